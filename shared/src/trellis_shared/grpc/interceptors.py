"""Server interceptors: authenticate every call and map errors to status codes.

Both wrap the method's behaviour rather than acting in `intercept_service`
alone, so the caller's identity is bound in the same task that runs the
servicer, and every exception the servicer raises passes through the mapping.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import grpc
from grpc import aio

from trellis_shared.errors import TrellisError, Unauthenticated
from trellis_shared.grpc.status import status_for, trailing_details
from trellis_shared.grpc.tokens import METADATA_KEY, TokenCodec, bind_principal, unbind_principal

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # generic only in the stubs, not at run time
    _ServerInterceptor = aio.ServerInterceptor[Any, Any]
else:
    _ServerInterceptor = aio.ServerInterceptor

# Infrastructure endpoints that probes and tools call without a token.
PUBLIC_SERVICES = (
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1alpha.ServerReflection/",
    "/grpc.reflection.v1.ServerReflection/",
)

# grpc-stubs lag behind grpc.aio's handler generics; handlers stay untyped here.
Handler = Any
Behaviour = Callable[[Any, aio.ServicerContext[Any, Any]], Any]
Decorator = Callable[[Behaviour, bool], Behaviour]


def _rewrap(handler: Handler, decorate: Decorator) -> Handler:
    """Apply `decorate` to whichever behaviour the handler carries."""
    if handler.unary_unary:
        return grpc.unary_unary_rpc_method_handler(
            decorate(handler.unary_unary, False),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.unary_stream:
        return grpc.unary_stream_rpc_method_handler(
            decorate(handler.unary_stream, True),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(
            decorate(handler.stream_unary, False),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    return grpc.stream_stream_rpc_method_handler(
        decorate(handler.stream_stream, True),
        request_deserializer=handler.request_deserializer,
        response_serializer=handler.response_serializer,
    )


async def _abort_for(error: Exception, context: aio.ServicerContext[Any, Any]) -> None:
    code, message, violations = status_for(error)
    if code == grpc.StatusCode.INTERNAL:
        log.exception("unhandled error in RPC", exc_info=error)
    await context.abort(
        code, message, trailing_metadata=trailing_details(code, message, violations)
    )


class ErrorMappingInterceptor(_ServerInterceptor):
    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        return _rewrap(handler, _map_errors)


def _map_errors(behaviour: Behaviour, streaming: bool) -> Behaviour:
    if streaming:

        async def stream(
            request: Any, context: aio.ServicerContext[Any, Any]
        ) -> AsyncIterator[Any]:
            try:
                async for item in behaviour(request, context):
                    yield item
            except (TrellisError, ValueError) as exc:
                await _abort_for(exc, context)

        return stream

    async def unary(request: Any, context: aio.ServicerContext[Any, Any]) -> Any:
        try:
            return await behaviour(request, context)
        except (TrellisError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            await _abort_for(exc, context)

    return unary


class AuthInterceptor(_ServerInterceptor):
    """Verify the bearer token of every call except health and reflection."""

    def __init__(self, codec: TokenCodec) -> None:
        self._codec = codec

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler:
        handler = await continuation(handler_call_details)
        if handler is None or handler_call_details.method.startswith(PUBLIC_SERVICES):
            return handler
        codec = self._codec

        def authenticate(behaviour: Behaviour, streaming: bool) -> Behaviour:
            if streaming:

                async def stream(
                    request: Any, context: aio.ServicerContext[Any, Any]
                ) -> AsyncIterator[Any]:
                    token = await _bind_caller(codec, context)
                    try:
                        async for item in behaviour(request, context):
                            yield item
                    finally:
                        unbind_principal(token)

                return stream

            async def unary(request: Any, context: aio.ServicerContext[Any, Any]) -> Any:
                token = await _bind_caller(codec, context)
                try:
                    return await behaviour(request, context)
                finally:
                    unbind_principal(token)

            return unary

        return _rewrap(handler, authenticate)


async def _bind_caller(codec: TokenCodec, context: aio.ServicerContext[Any, Any]) -> Any:
    metadata = dict(context.invocation_metadata() or ())
    raw = metadata.get(METADATA_KEY, "")
    raw_text = raw.decode() if isinstance(raw, bytes) else raw
    scheme, _, token = raw_text.partition(" ")
    try:
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated(f"missing bearer token in '{METADATA_KEY}' metadata")
        principal = codec.verify(token)
    except Unauthenticated as exc:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, str(exc))
    return bind_principal(principal)
