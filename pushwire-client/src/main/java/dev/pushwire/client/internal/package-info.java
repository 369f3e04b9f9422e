/**
 * The implementation of {@link dev.pushwire.client.PushwireClient}: not API, may change at any
 * time. {@link dev.pushwire.client.internal.PushwireClientImpl} runs the connection and command
 * state on one event loop; {@link dev.pushwire.client.internal.ChannelCursor} applies the client
 * rule of docs/PROTOCOL.md "Recovery" to each channel's pushes.
 */
package dev.pushwire.client.internal;
