/**
 * The implementation of {@link dev.pushwire.client.PushwireClient}: not API, may change at any
 * time. {@link dev.pushwire.client.internal.PushwireClientImpl} is the façade; on the client's one
 * event loop ({@link dev.pushwire.client.internal.ClientLoop}), {@link
 * dev.pushwire.client.internal.Connection} connects and reconnects, {@link
 * dev.pushwire.client.internal.CommandTracker} matches commands with replies, {@link
 * dev.pushwire.client.internal.Subscriptions} subscribes and recovers channels, and {@link
 * dev.pushwire.client.internal.ChannelCursor} applies the client rule of docs/PROTOCOL.md
 * "Recovery" to each channel's pushes.
 */
package dev.pushwire.client.internal;
