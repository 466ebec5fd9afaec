package dev.herald.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The seed's push, field names as-is: {@code {time, server_msg, client_msg}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Tick(String time, @JsonProperty("server_msg") String serverMsg,
        @JsonProperty("client_msg") String clientMsg) {
}
