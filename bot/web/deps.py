"""Typed dependencies for routes: the process's runtime, a database session, the API's guard against guessing."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime import Runtime
from bot.web.limits import WrongTokens


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    async with runtime.sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


def get_wrong_tokens(request: Request) -> WrongTokens:
    return request.app.state.wrong_tokens


WrongTokensDep = Annotated[WrongTokens, Depends(get_wrong_tokens)]
