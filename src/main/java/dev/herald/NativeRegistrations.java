package dev.herald;

import io.quarkus.runtime.annotations.RegisterForReflection;

import dev.herald.api.DevTokenResource;
import dev.herald.api.MessageRequest;
import dev.herald.api.MessageView;
import dev.herald.api.Problem;
import dev.herald.api.TasksResource;
import dev.herald.api.UsersResource;
import dev.herald.protocol.Kind;
import dev.herald.protocol.Message;
import dev.herald.protocol.ServerFrame;
import dev.herald.protocol.Tick;
import dev.herald.schedule.Status;
import dev.herald.tasks.TaskEvent;
import dev.herald.tasks.TaskStatus;
import dev.herald.tasks.TaskView;

/**
 * Native image only: the classes Jackson reads or writes through reflection that Quarkus cannot find by itself.
 * Quarkus registers the parameter and return types of REST methods, but not what the code hands to
 * {@code ObjectMapper} by hand ({@code FrameEncoder.json(..)} for WebSocket frames), nor what leaves inside a
 * {@code Response} entity (problem+json, 201 bodies). Without this the native binary writes {@code {}} or fails
 * where the JVM works. Add here any new class that goes through {@code encoder.json(..)} or {@code mapper.}.
 */
@RegisterForReflection(targets = {
        // WebSocket frames written with FrameEncoder.json(..)
        ServerFrame.Welcome.class,
        ServerFrame.Ack.class,
        ServerFrame.Error.class,
        Message.class,
        Kind.class,
        ServerFrame.Presence.class,
        // Redis engine: what never changes about a scheduled message, stored as JSON
        dev.herald.redis.RedisScheduleStore.Fixed.class,
        ServerFrame.Task.class,
        ServerFrame.Scheduled.class,
        Tick.class,
        TaskView.class,
        TaskEvent.class,
        TaskStatus.class,
        // HTTP API bodies, some only ever inside a Response entity
        Problem.class,
        MessageView.class,
        MessageRequest.class,
        Status.class,
        UsersResource.OnlineUser.class,
        UsersResource.Cursor.class,
        dev.herald.api.RoomsResource.Room.class,
        ServerFrame.PresenceDiff.class,
        ServerFrame.Receipt.class,
        ServerFrame.Read.class,
        TasksResource.TaskRequest.class,
        TasksResource.TaskEventRequest.class,
        TasksResource.DemoRequest.class,
        DevTokenResource.DevToken.class,
        // Support desk: desk frames, entries kept as JSON on Redis, bodies inside a Response
        dev.herald.desk.DeskFrame.class,
        dev.herald.desk.Conversation.class,
        dev.herald.desk.Conversation.State.class,
        dev.herald.desk.Entry.class,
        dev.herald.desk.AgentLoad.class,
        dev.herald.desk.DeskService.ConversationView.class,
        dev.herald.desk.DeskService.Console.class,
        dev.herald.desk.DeskIdentity.Visitor.class,
        dev.herald.desk.DeskResource.LineRequest.class,
        dev.herald.desk.DeskResource.TransferRequest.class,
        dev.herald.desk.DeskResource.AgentToken.class,
})
public final class NativeRegistrations {

    private NativeRegistrations() {
    }
}
