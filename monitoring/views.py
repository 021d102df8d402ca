"""The county's figures (spec §6): waiting times per office and the anonymous demand figures, for admins.

The one module of ``monitoring`` that faces the gateway: it takes the counsellor's login and the tickets'
waiting times from ``bot`` (allowed by an explicit exception in the import-linter contract)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from bot.counsellors.views import CounsellorDep
from bot.tickets.service import waiting_figures
from core.deps import SessionDep
from monitoring.service import demand_figures

router = APIRouter(prefix="/api/v1", tags=["Monitoring"])


@router.get("/figures")
def figures(session: SessionDep, counsellor: CounsellorDep) -> dict[str, object]:
    """County admins only: waiting times per office and the anonymous demand figures."""
    if not counsellor.is_admin:
        raise HTTPException(403, "Nur für die Kreisverwaltung.")
    return {"offices": waiting_figures(session=session), "demand": demand_figures(session=session)}
