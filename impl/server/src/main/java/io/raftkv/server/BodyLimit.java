package io.raftkv.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.raftkv.client.Api;

/**
 * Gathers a request's body, refusing one longer than the limit with a JSON 413 before it is read
 * in full (from its Content-Length when it has one). The connection is then closed: the rest of
 * the oversized body is still on its way and would otherwise be read as the next request.
 */
final class BodyLimit extends HttpObjectAggregator {
    private final int maxBodyBytes;

    BodyLimit(int maxBodyBytes) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.writeAndFlush(HttpChannel.closing(tooLarge())).addListener(ChannelFutureListener.CLOSE);
    }

    /** "Expect: 100-continue" with a body over the limit: the JSON 413 instead of Netty's empty one. */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object response = super.newContinueResponse(start, maxContentLength, pipeline);
        if (response instanceof FullHttpResponse full
                && full.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
            full.release();
            return tooLarge();
        }
        return response;
    }

    private FullHttpResponse tooLarge() {
        return Replies.failed(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Api.PAYLOAD_TOO_LARGE,
                "the request body exceeds " + maxBodyBytes + " bytes (--max-body-bytes)");
    }
}
