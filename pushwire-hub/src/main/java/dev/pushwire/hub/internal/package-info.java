/**
 * Implementation of the hub. Not API: anything here may change without notice.
 *
 * <p>One concept per file. {@link dev.pushwire.hub.internal.HubImpl} is the façade that wires the
 * server's events and the Java API to the parts: {@code Subscriptions} (this node's connections and
 * their channel subscriptions) over {@code ChannelIndex} (delivery to a channel's subscribers, and
 * catch-up from history, {@code Recovery}); {@code PlainClients} (clients that subscribe by URL);
 * {@code V1ProtocolHandler} with {@code V1CommandDecoder} and {@code V1ReplyEncoder} (the {@code
 * pushwire.v1} commands); {@code Publisher} (publications to the broker); {@code RegistrySync}
 * (this node's records and presence in the registry); {@code PushEncoder} (what subscribers are
 * sent).
 */
package dev.pushwire.hub.internal;
