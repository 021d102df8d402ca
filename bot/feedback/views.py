"""``POST /api/v1/conversations/{id}/feedback`` for citizens; ``GET /api/v1/feedback/comments`` for the office."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from bot.conversations import service as conversations
from bot.counsellors.views import CounsellorDep
from bot.deps import LimiterDep, SessionDep, SettingsDep, WriteDep
from bot.errors import errors
from bot.feedback import service
from monitoring.service import office_comments

router = APIRouter(prefix="/api/v1", tags=["Feedback"])
NOT_FOUND = "Dieses Gespräch gibt es nicht (mehr)."
TOO_FAST = "Sie schreiben sehr schnell. Bitte warten Sie einen Moment."
MAX_COMMENT = 1000


class HelpfulIn(BaseModel):
    """After an answer with offers: did it help? ``seq`` null: the latest answer with offers."""

    model_config = ConfigDict(extra="forbid")
    seq: int | None = Field(default=None, ge=1, le=2**31 - 1)
    helpful: bool


class RatingIn(BaseModel):
    """After a closed handover: 1 (bad) to 5 (very good), with a comment only the office reads (kept 30 days)."""

    model_config = ConfigDict(extra="forbid")
    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=MAX_COMMENT)


class Comment(BaseModel):
    day: str
    rating: int | None
    comment: str


@router.post("/conversations/{conversation_id}/feedback", status_code=204, response_class=Response, responses=errors(409, 429))
def feedback(
    conversation_id: str,
    body: HelpfulIn | RatingIn,
    write: WriteDep,
    limiter: LimiterDep,
    settings: SettingsDep,
    request: Request,
) -> Response:
    """Counted, without the conversation, in the county's figures (satisfaction); a second feedback on the same
    answer or handover replaces the first."""
    if not limiter.allow("feedback:" + conversation_id[:64], settings.rate_limit_per_minute):
        raise HTTPException(429, TOO_FAST, headers={"Retry-After": "10"})
    with write() as session:
        conversation = conversations.get(session=session, conversation_id=conversation_id[:64])
        if conversation is None:
            raise HTTPException(404, NOT_FOUND)
        try:
            if isinstance(body, HelpfulIn):
                service.helpful(session=session, conversation=conversation, seq=body.seq, helpful=body.helpful)
            else:
                comment = body.comment.replace("\x00", "").strip() if body.comment else None
                service.rating(session=session, conversation=conversation, rating=body.rating, comment=comment or None)
        except service.FeedbackRefused as exc:
            raise HTTPException(409, str(exc)) from None
    return Response(status_code=204)


@router.get("/feedback/comments", response_model=list[Comment])
def comments(session: SessionDep, counsellor: CounsellorDep) -> list[dict[str, object]]:
    """The comments on the own office's handovers of the last 30 days, newest first."""
    return office_comments(session=session, office_id=counsellor.office_id)
