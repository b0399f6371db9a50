"""The members' introduction buttons, built by the scheduled messages and the dialog alike."""

from bot.dialogs import PostbackData


class SkipRound(PostbackData, prefix="intro:skip"):
    round_id: int


class JoinRound(PostbackData, prefix="intro:join"):
    round_id: int


class Hello(PostbackData, prefix="intro:h"):
    pair_id: int


class WriteMessage(PostbackData, prefix="intro:m"):
    pair_id: int


class ExchangeIds(PostbackData, prefix="intro:x"):
    pair_id: int


class SendHeld(PostbackData, prefix="intro:send"):
    pass


class Followup(PostbackData, prefix="intro:f"):
    pair_id: int
    code: str  # a key of OUTCOME_CODES


class AnswerWeekly(PostbackData, prefix="wq:a"):
    question_id: int
