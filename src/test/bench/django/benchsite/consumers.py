"""The seed article's (001) Channels consumer, done the way Channels intends it.

The article keeps a module-level list of consumers for broadcast and a dict username -> consumer for
point-to-point, and crashes (None.send) when the target is offline. Here the same behaviour goes through
the channel layer, so it also works across processes (channels_redis):

* every socket joins the group "broadcast" on connect (the article's socket_list);
* every socket joins "user.<username>" (the article's user_dict, but one user may have many sockets);
* a frame {"to_user": .., "message": ..} goes to that user's sockets (dropped if offline, no crash);
* any other frame {"message": ..} goes to every socket (the article's broadcast loop).

Delivered frames are JSON shaped like Herald's `message` frame so both peers send similar bytes.
"""
import json

from channels.generic.websocket import AsyncWebsocketConsumer

BROADCAST = "broadcast"


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.username = self.scope["url_route"]["kwargs"]["username"]
        self.user_group = "user." + self.username
        await self.channel_layer.group_add(BROADCAST, self.channel_name)
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(BROADCAST, self.channel_name)
        await self.channel_layer.group_discard(self.user_group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            data = json.loads(text_data or bytes_data or b"")
        except ValueError:
            await self.send(text_data=json.dumps({"type": "error", "code": "bad_json"}))
            return
        message = data.get("message", "")
        to_user = data.get("to_user")
        if to_user:
            await self.channel_layer.group_send("user." + str(to_user), {
                "type": "chat.message", "from": self.username, "to": to_user, "message": message, "kind": "direct"})
        else:
            await self.channel_layer.group_send(BROADCAST, {
                "type": "chat.message", "from": self.username, "to": None, "message": message, "kind": "broadcast"})

    async def chat_message(self, event):
        frame = {"type": "message", "from": event["from"], "text": event["message"], "kind": event["kind"]}
        if event["to"]:
            frame["to"] = event["to"]
        await self.send(text_data=json.dumps(frame))
