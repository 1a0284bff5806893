package io.raftkv.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 listener of the client API. Limits: request line 32 KiB (a percent-encoded 8 KiB
 * key fits), headers 16 KiB, body {@code maxBodyBytes}, {@code maxConnections} open connections,
 * idle connections closed after {@link #IDLE_SECONDS}.
 */
final class HttpFrontEnd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpFrontEnd.class);
    static final int MAX_INITIAL_LINE_BYTES = 32 * 1024;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_CHUNK_BYTES = 64 * 1024;
    static final int IDLE_SECONDS = 300;

    private final Channel server;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * Binds {@code address} on {@code boss}/{@code workers} (owned by the caller).
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    HttpFrontEnd(InetSocketAddress address, EventLoopGroup boss, EventLoopGroup workers, KvApi api,
            ServerConfig config) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        admit(channel, api, config);
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("cannot serve clients on " + address + ": " + bound.cause().getMessage(),
                    bound.cause());
        }
        this.server = bound.channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    private void admit(SocketChannel channel, KvApi api, ServerConfig config) {
        if (open.incrementAndGet() > config.maxConnections()) {
            open.decrementAndGet();
            log.warn("refusing a client connection from {}: {} are open (--max-connections)", channel.remoteAddress(),
                    config.maxConnections());
            channel.close();
            return;
        }
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        channel.pipeline().addLast(
                new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, MAX_CHUNK_BYTES),
                new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                new BodyLimit(config.maxBodyBytes()),
                new HttpChannel(api));
    }

    /** Stops accepting; open connections close with the event loops. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly();
    }
}
