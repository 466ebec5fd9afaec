package dev.herald.ws;

import dev.herald.connection.LimitsConfig;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Hardens every WebSocket upgrade (all endpoints) at the Netty level, where Vert.x 4.5 offers no setting:
 * <ul>
 * <li>Frames are decoded with {@code closeOnProtocolViolation} and a UTF-8 validator, so a frame over
 * {@code max-frame-size} gets a close frame 1009, a protocol violation (reserved opcode or RSV bit, control frame
 * over 125 bytes, invalid close code) 1002, and invalid UTF-8 in a text frame 1007. Vert.x's own decoder
 * (closeOnProtocolViolation=false, no UTF-8 check) drops the TCP connection without a close frame (1006) and reads
 * invalid UTF-8 as U+FFFD.
 * <li>Pings that arrive while the connection's write queue is over its high-water mark get no pong (RFC 6455
 * 5.5.3 lets an endpoint answer only the latest), so a peer that pings without reading cannot queue pongs.
 * <li>The HTTP request timeout ({@link TransportOptions}) is removed: a healthy WebSocket may be silent for a long
 * time, and it is governed by pings and {@code herald.limits.idle-timeout} instead.
 * <li>At most {@code herald.limits.upgrades-per-address} upgrades from one client address may be in progress
 * (request received, 101 not yet written) at a time; more get 429.
 * </ul>
 * The decoder is swapped when the 101 response is written: Netty's handshaker has just put its decoder in the
 * pipeline and no frame has reached it yet. If Vert.x's pipeline ever looks different, the swap is skipped and
 * logged once; the connection keeps Vert.x's behaviour.
 */
@ApplicationScoped
public class UpgradeHardening {

    private static final Logger LOG = Logger.getLogger(UpgradeHardening.class);
    static final String NAME = "herald-upgrade";
    /** Vert.x's default when {@code quarkus.websockets-next.server.max-frame-size} is not set. */
    private static final int VERTX_DEFAULT_FRAME_SIZE = 65_536;

    private final WebSocketDecoderConfig decoderConfig;
    private final int upgradesPerAddress;
    private final ConcurrentHashMap<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();
    private volatile boolean warned;

    UpgradeHardening(LimitsConfig limits,
            @ConfigProperty(name = "quarkus.websockets-next.server.max-frame-size") OptionalInt maxFrameSize) {
        this.upgradesPerAddress = limits.upgradesPerAddress();
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxFrameSize.orElse(VERTX_DEFAULT_FRAME_SIZE))
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(false) // no compression is negotiated (TransportOptions)
                .closeOnProtocolViolation(true)
                .withUTF8Validator(true)
                .build();
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::onRequest);
    }

    private void onRequest(RoutingContext rc) {
        String upgrade = rc.request().getHeader(HttpHeaderNames.UPGRADE);
        if (upgrade == null || !HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(upgrade)
                || !(rc.request().connection() instanceof ConnectionBase connection)) {
            rc.next();
            return;
        }
        ChannelPipeline pipeline = connection.channel().pipeline();
        if (pipeline.get(NAME) != null) { // a reroute (e.g. /ws/ticker) passes here twice
            rc.next();
            return;
        }
        String address = address(rc.request().connection());
        AtomicInteger count = inProgress.computeIfAbsent(address, a -> new AtomicInteger());
        if (count.incrementAndGet() > upgradesPerAddress) {
            release(address, count);
            LOG.infof("refused upgrade of %s from %s: %d upgrades already in progress", rc.request().path(), address,
                    upgradesPerAddress);
            rc.response().setStatusCode(429).end();
            return;
        }
        pipeline.addBefore("handler", NAME, new UpgradeWatch(address, count));
        rc.next();
    }

    private static String address(HttpConnection connection) {
        return connection.remoteAddress() == null ? "?" : connection.remoteAddress().hostAddress();
    }

    private void release(String address, AtomicInteger count) {
        if (count.decrementAndGet() <= 0) {
            inProgress.remove(address, count);
        }
    }

    /** Waits for the answer to the upgrade request: hardens the pipeline on a 101, and frees the address's slot. */
    private final class UpgradeWatch extends ChannelDuplexHandler {
        private final String address;
        private final AtomicInteger count;
        private boolean released;

        UpgradeWatch(String address, AtomicInteger count) {
            this.address = address;
            this.count = count;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof HttpResponse response) {
                if (response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                    harden(ctx.pipeline());
                }
                ctx.pipeline().remove(this);
            }
            ctx.write(msg, promise);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (!released) {
                released = true;
                release(address, count);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            ctx.pipeline().remove(this);
            super.channelInactive(ctx);
        }
    }

    private void harden(ChannelPipeline pipeline) {
        if (pipeline.get("wsdecoder") == null || pipeline.get("wsencoder") == null) {
            if (!warned) {
                warned = true;
                LOG.warnf("WebSocket pipeline not as expected (%s): frames keep Vert.x's decoder", pipeline.names());
            }
            return;
        }
        pipeline.remove("wsdecoder");
        // after the encoder, so that the close frames the decoder writes on a violation are encoded
        pipeline.addAfter("wsencoder", "wsdecoder", new StrictFrameDecoder(decoderConfig));
        pipeline.addAfter("wsdecoder", "herald-utf8", new Utf8FrameValidator(true));
        pipeline.addAfter("herald-utf8", "herald-pong-gate", new PongGate());
        if (pipeline.get("idle") != null) {
            pipeline.remove("idle");
        }
    }

    /** Drops pings while the write queue is full: their pongs would only pile up behind what the peer does not read. */
    private static final class PongGate extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof PingWebSocketFrame ping && !ctx.channel().isWritable()) {
                ping.release();
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }
}
