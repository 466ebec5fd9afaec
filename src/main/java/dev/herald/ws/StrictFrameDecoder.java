package dev.herald.ws;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;

/**
 * Netty's frame decoder with one gap closed: it marks the closing handshake as received before it checks the close
 * frame's body, so a close frame with an invalid code (such as 999) or a reason that is not UTF-8 ends the
 * connection without a close frame. Here it gets 1002 or 1007 like every other violation.
 */
final class StrictFrameDecoder extends WebSocket13FrameDecoder {

    StrictFrameDecoder(WebSocketDecoderConfig config) {
        super(config);
    }

    @Override
    protected void checkCloseFrameBody(ChannelHandlerContext ctx, ByteBuf body) {
        if (body != null && body.readableBytes() >= 2) {
            int code = body.getUnsignedShort(body.readerIndex());
            if (!WebSocketCloseStatus.isValidStatusCode(code)) {
                refuse(ctx, WebSocketCloseStatus.PROTOCOL_ERROR, "invalid close code " + code);
            }
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(body.nioBuffer(body.readerIndex() + 2, body.readableBytes() - 2));
            } catch (CharacterCodingException e) {
                refuse(ctx, WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "close reason is not UTF-8");
            }
        }
        super.checkCloseFrameBody(ctx, body);
    }

    private static void refuse(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        ctx.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
        throw new CorruptedWebSocketFrameException(status, reason);
    }
}
