package io.raftkv.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.raftkv.client.Api;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: requests are answered one at a time and in order, because HTTP/1.1
 * pipelining requires responses in request order while answers from the log complete in any order.
 * Requests that arrive while one is open wait here (at most {@link #QUEUED_MAX}; beyond it the
 * connection stops reading, so a client cannot make the node buffer without bound).
 *
 * <p>A request Netty could not parse (garbage bytes, an over-long line) is answered 400 and the
 * connection closed, since the byte stream can no longer be trusted to frame requests.
 */
final class HttpChannel extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HttpChannel.class);
    static final int QUEUED_MAX = 16;

    private final KvApi api;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private boolean busy;

    HttpChannel(KvApi api) {
        this.api = api;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (request.decoderResult().isFailure()) {
            String why = String.valueOf(request.decoderResult().cause().getMessage());
            request.release();
            log.debug("{}: malformed HTTP request: {}", ctx.channel().remoteAddress(), why);
            ctx.writeAndFlush(closing(Replies.failed(HttpResponseStatus.BAD_REQUEST, Api.BAD_REQUEST,
                    "malformed HTTP request: " + why))).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        queued.addLast(request);
        if (queued.size() >= QUEUED_MAX) {
            ctx.channel().config().setAutoRead(false);
        }
        next(ctx);
    }

    /** Starts the next queued request unless one is open. Runs on the channel's event loop. */
    private void next(ChannelHandlerContext ctx) {
        if (busy || queued.isEmpty() || !ctx.channel().isActive()) {
            return;
        }
        busy = true;
        FullHttpRequest request = queued.pollFirst();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        CompletableFuture<FullHttpResponse> response;
        try {
            response = api.handle(request, ctx.executor());
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (RuntimeException | Error bug) {
            // A bug, or a class that cannot be loaded (say, its jar was replaced under the running
            // process): this request gets a 500, the connection and the node carry on.
            log.error("request {} {} failed", request.method(), request.uri(), bug);
            response = CompletableFuture.completedFuture(Replies.failed(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    Api.INTERNAL, "the server failed on this request: " + bug));
        } finally {
            request.release();
        }
        response.whenComplete((answer, failure) -> ctx.executor().execute(() -> finish(ctx, answer, failure,
                keepAlive)));
    }

    private void finish(ChannelHandlerContext ctx, FullHttpResponse answer, Throwable failure, boolean keepAlive) {
        FullHttpResponse response = answer;
        if (failure != null) {
            log.error("a request failed inside the server", failure);
            response = Replies.failed(HttpResponseStatus.INTERNAL_SERVER_ERROR, Api.INTERNAL,
                    "the server failed on this request: " + failure);
        }
        busy = false;
        if (!ctx.channel().isActive()) {
            response.release();
            return;
        }
        if (keepAlive) {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(closing(response)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (queued.size() < QUEUED_MAX) {
            ctx.channel().config().setAutoRead(true);
        }
        next(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent && !busy) {
            ctx.close(); // an idle keep-alive connection holds a slot of maxConnections
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        queued.forEach(FullHttpRequest::release);
        queued.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            log.debug("{}: closing the connection: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("{}: closing the connection after an unexpected failure", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    static FullHttpResponse closing(FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
