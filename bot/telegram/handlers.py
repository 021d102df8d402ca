"""What the bot does with a citizen's Telegram update: commands, free text, button presses, deletion."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from fastapi import FastAPI
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot import i18n, privacy  # module import: bot.privacy imports bot.telegram.models
from bot.conversations import service as conversations
from bot.deps import run_db
from bot.feedback import service as feedback
from bot.feedback.views import MAX_COMMENT
from bot.plain import ONLY_GERMAN, SWITCHED_OFF, SWITCHED_ON
from bot.relay import Overloaded, handle_citizen_message
from bot.telegram import chats
from bot.telegram.delivery import Delivery
from bot.telegram.format import (
    BUTTON_PREFIX,
    HELPFUL_PREFIX,
    RATING_PREFIX,
    SKIP,
    helpful_part,
    labels_language,
    plain,
    render,
)
from core.db import read_scope, session_scope
from core.i18n import N_, SOURCE, speaking, translate

log = logging.getLogger(__name__)

WELCOME = N_(
    "Hallo! Ich bin der Bildungslotse des Landkreises Osnabrück – ein digitaler Assistent. "
    "Ich finde Kurse und Angebote in Ihrer Nähe: von der Krabbelgruppe über Nachhilfe und Deutschkurse "
    "bis zur Weiterbildung, erkläre, wer die Kosten übernimmt, und verbinde Sie auf Wunsch mit einer "
    "Beraterin oder einem Berater Ihres Bildungsbüros.\n\n"
    "Datenschutz: Ich speichere nur die Nachrichten dieses Chats, höchstens 30 Tage lang, ohne Ihren Namen. "
    "Die Telegram-Chat-Nummer wird nur gespeichert, damit Antworten aus dem Bildungsbüro Sie hier erreichen; "
    "die Beratung sieht sie nicht. Mit /daten_loeschen löschen Sie alles sofort. "
    "Telegram selbst verarbeitet Nachrichten nach seinen eigenen Datenschutzregeln.\n\n"
    "Schreiben Sie einfach, was Sie suchen, oder wählen Sie ein Thema:"
)
HELP = N_(
    "So funktioniert der Bildungslotse:\n"
    "• Schreiben Sie einfach, was Sie suchen – zum Beispiel „Deutschkurs in Melle“ oder "
    "„Nachhilfe in Mathe für meine Tochter“.\n"
    "• /berater – mit einer Beraterin oder einem Berater Ihres Bildungsbüros schreiben\n"
    "• /neu – das Gespräch von vorn beginnen\n"
    "• /daten_loeschen – alle gespeicherten Daten dieses Chats löschen\n"
    "• /start – Begrüßung und Hinweise zum Datenschutz\n"
    "• /hilfe – diese Übersicht"
)
ASK_DELETE = N_(
    "Möchten Sie wirklich alle Daten dieses Chats beim Bildungslotsen löschen? Dazu gehören Ihre Nachrichten, "
    "die Antworten und eine offene Anfrage an das Bildungsbüro. Das lässt sich nicht rückgängig machen."
)
DELETED = N_(
    "Erledigt: Alle Daten dieses Chats sind beim Bildungslotsen gelöscht. Den Verlauf in Telegram selbst "
    "können Sie in der App löschen. Wenn Sie wieder schreiben, beginnt ein neues Gespräch."
)
DELETE_FAILED = N_(
    "Das Löschen hat nicht ganz geklappt. Bitte versuchen Sie es in ein paar Minuten noch einmal mit /daten_loeschen."
)
KEPT = N_("In Ordnung, es wurde nichts gelöscht.")
STALE_BUTTON = N_("Diese Auswahl ist nicht mehr aktuell. Schreiben Sie mir einfach, was Sie suchen.")
ONLY_TEXT = N_("Ich kann leider nur Textnachrichten lesen. Bitte schreiben Sie Ihre Frage als Text.")
TOO_FAST = N_("Sie schreiben sehr schnell. Bitte warten Sie einen Moment.")
FAILED = "Entschuldigung, da ist etwas schiefgegangen. Bitte versuchen Sie es noch einmal."
COUNSELLOR = ("/request_counsellor", N_("Ich möchte mit einer Beraterin oder einem Berater sprechen."))
RESTART = ("/restart", N_("Neu anfangen"))
DELETE_YES, DELETE_NO = "d:ja", "d:nein"
LANGUAGE_PREFIX = "l:"
CHOOSE_LANGUAGE = N_("In welcher Sprache soll ich Ihnen antworten?")
LANGUAGE_SET = N_("Gut, ich antworte Ihnen ab jetzt auf Deutsch. Schreiben Sie einfach, was Sie suchen.")
THANKS = N_("Danke für Ihre Rückmeldung.")
NOTED = N_("Danke, schon notiert.")
COMMENT_Q = N_("Möchten Sie noch etwas dazu schreiben? (freiwillig)")
NO_THANKS = N_("Nein danke")
COMMANDS = [
    ("start", N_("Begrüßung und Datenschutz")),
    ("hilfe", N_("Was der Bildungslotse kann")),
    ("berater", N_("Mit einer Beraterin / einem Berater schreiben")),
    ("neu", N_("Gespräch neu beginnen")),
    ("daten_loeschen", N_("Alle Daten dieses Chats löschen")),
    ("sprache", N_("Sprache wählen")),
    ("einfach", N_("Einfache Sprache an oder aus")),
]

PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


class Handlers:
    """Bound to the gateway app, whose engine, broker, notifier, limiter and deletion hooks it shares."""

    def __init__(self, app: FastAPI, delivery: Delivery) -> None:
        self.app = app
        self.delivery = delivery
        self.settings = app.state.settings
        # Conversation -> (ticket, message id of the comment question): the citizen's next text is the comment.
        # In memory: after a restart the next text goes to the assistant again, the rating itself is stored.
        self.awaiting_comment: dict[str, tuple[str, int | None]] = {}

    def register(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        application.add_handler(CommandHandler("start", self.start, filters=PRIVATE))
        application.add_handler(CommandHandler("hilfe", self.help, filters=PRIVATE))
        application.add_handler(CommandHandler("help", self.help, filters=PRIVATE))
        application.add_handler(CommandHandler("berater", self.counsellor, filters=PRIVATE))
        application.add_handler(CommandHandler("neu", self.restart, filters=PRIVATE))
        application.add_handler(CommandHandler("daten_loeschen", self.ask_delete, filters=PRIVATE))
        application.add_handler(CommandHandler(["sprache", "language"], self.choose_language, filters=PRIVATE))
        application.add_handler(CommandHandler("einfach", self.toggle_plain, filters=PRIVATE))
        # Everything else typed, including "/…" the engine understands (as the widget's text field allows).
        application.add_handler(MessageHandler(PRIVATE & filters.TEXT, self.text))
        application.add_handler(MessageHandler(PRIVATE & ~filters.TEXT, self.not_text))
        application.add_handler(CallbackQueryHandler(self.button))
        application.add_error_handler(self.error)

    def conversation_id(self, chat_id: int) -> str:
        return chats.conversation_id_for(self.settings.telegram_id_key, chat_id)

    async def say(
        self, chat_id: int, text: str, rows: list[list[InlineKeyboardButton]] | None = None, language: str | None = None
    ) -> None:
        """A fixed text of ours, not stored (help, confirmations), in the chat's language."""
        cid = self.conversation_id(chat_id)
        language = language or str(await run_db(self._language, cid))
        await self.delivery.send_parts(cid, chat_id, plain(translate(text, language), rows))

    def _language(self, cid: str) -> str:
        """The catalogue of the chat's fixed texts: its language, or Einfache Sprache (``core.i18n.speaking``)."""
        with read_scope(self.settings.database_url) as session:
            conversation = conversations.get(session=session, conversation_id=cid)
            return speaking(conversation.language, conversation.plain) if conversation is not None else "de"

    # --- commands --------------------------------------------------------------------------------

    async def start(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """Stored like the widget's welcome, so that its topic buttons can be resolved later."""
        chat_id = _chat_id(update)
        cid = self.conversation_id(chat_id)
        if not await self._allowed(chat_id, cid):
            return
        seq, parts = await run_db(self._store_welcome, cid, chat_id)
        self.app.state.broker.publish(cid, {"seq": seq})
        await self.delivery.send_stored(cid, chat_id, seq, parts)

    def _store_welcome(self, cid: str, chat_id: int) -> tuple[int, Any]:
        with session_scope(self.settings.database_url) as session:
            conversation = chats.open_conversation(session=session, conversation_id=cid, chat_id=chat_id)
            welcome = conversations.append(
                session=session,
                conversation=conversation,
                sender="bot",
                text=WELCOME,
                extra={"buttons": conversations.WELCOME_BUTTONS},
            )
            return welcome.seq, render(welcome.sender, welcome.text, welcome.extra)

    async def help(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await self.say(_chat_id(update), HELP)

    async def counsellor(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await self.relay(_chat_id(update), *COUNSELLOR)

    async def restart(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await self.relay(_chat_id(update), *RESTART)

    async def ask_delete(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = _chat_id(update)
        language = await run_db(self._language, self.conversation_id(chat_id))
        yes = InlineKeyboardButton(translate(N_("Ja, löschen"), language), callback_data=DELETE_YES)
        rows = [[yes, InlineKeyboardButton(translate(N_("Nein"), language), callback_data=DELETE_NO)]]
        await self.say(chat_id, ASK_DELETE, rows, language)

    async def choose_language(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """/sprache: the offered languages by their own names."""
        offered = i18n.supported(self.settings.languages)
        rows = [
            [InlineKeyboardButton(i18n.NATIVE_NAMES.get(code, code), callback_data=LANGUAGE_PREFIX + code)] for code in offered
        ]
        await self.say(_chat_id(update), CHOOSE_LANGUAGE, rows)

    def _set_language(self, cid: str, chat_id: int, language: str) -> None:
        with session_scope(self.settings.database_url) as session:
            conversation = chats.open_conversation(session=session, conversation_id=cid, chat_id=chat_id)
            conversations.set_language(
                session=session, conversation=conversation, language=language, offered=i18n.supported(self.settings.languages)
            )

    async def toggle_plain(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        """/einfach: Einfache Sprache on, or off again (German only; other languages are told so)."""
        chat_id = _chat_id(update)
        switched = await run_db(self._toggle_plain, self.conversation_id(chat_id), chat_id)
        text = ONLY_GERMAN if switched is None else SWITCHED_ON if switched else SWITCHED_OFF
        await self.say(chat_id, text)

    def _toggle_plain(self, cid: str, chat_id: int) -> bool | None:
        with session_scope(self.settings.database_url) as session:
            conversation = chats.open_conversation(session=session, conversation_id=cid, chat_id=chat_id)
            if (conversation.language or "de") != SOURCE:
                return None
            conversations.set_plain(session=session, conversation=conversation, plain=not conversation.plain)
            return bool(conversation.plain)

    # --- messages --------------------------------------------------------------------------------

    async def text(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = _chat_id(update)
        message = update.effective_message
        raw = message.text if message and message.text else ""
        try:
            text = conversations.clean_text(raw, max_chars=self.settings.max_message_chars)
        except conversations.InvalidInput as exc:
            await self.say(chat_id, str(exc))
            return
        if self.conversation_id(chat_id) in self.awaiting_comment:
            await self.comment(chat_id, text)
            return
        await self.relay(chat_id, text, text)

    async def not_text(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        await self.say(_chat_id(update), ONLY_TEXT)

    async def button(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None or chat.type != chat.PRIVATE:
            return
        data = query.data or ""
        if data.startswith(HELPFUL_PREFIX):
            await self.vote(query, chat.id, data.removeprefix(HELPFUL_PREFIX))
            return
        if data.startswith(RATING_PREFIX):
            await self.rate(query, chat.id, data.removeprefix(RATING_PREFIX))
            return
        if data in (DELETE_YES, DELETE_NO):
            await _answer(query)
            language = await run_db(self._language, self.conversation_id(chat.id))  # before it is deleted
            if data == DELETE_NO:
                text = KEPT
            else:
                text = DELETED if await self.delete_everything(self.conversation_id(chat.id)) else DELETE_FAILED
            try:
                await query.edit_message_text(translate(text, language))  # also removes the two buttons
            except TelegramError:
                await self.say(chat.id, text, language=language)
            return
        if data.startswith(LANGUAGE_PREFIX):
            await _answer(query)
            language = data.removeprefix(LANGUAGE_PREFIX)
            try:
                await run_db(self._set_language, self.conversation_id(chat.id), chat.id, language)
            except conversations.InvalidInput:
                await self.say(chat.id, STALE_BUTTON)
                return
            await self.say(chat.id, LANGUAGE_SET, language=language)
            return
        found = None
        if data.startswith(BUTTON_PREFIX):
            found = await run_db(self._find_button, self.conversation_id(chat.id), data)
        try:
            payload = conversations.clean_payload(found[0]) if found else None
        except conversations.InvalidInput:
            payload = None
        if payload is None or found is None:
            await _answer(query, STALE_BUTTON)
            return
        await _answer(query)  # first, so the button stops spinning while the engine thinks
        await self.relay(chat.id, payload, found[1])

    async def relay(self, chat_id: int, text: str, display: str) -> None:
        """The same path as the widget's POST …/messages; replies go to the chat as they are stored."""
        cid = self.conversation_id(chat_id)
        if not await self._allowed(chat_id, cid):
            return
        await self._typing(chat_id)
        try:
            result = await handle_citizen_message(
                self.app.state.services,
                conversation_id=cid,
                text=text,
                display=display,
                open_conversation=lambda session: chats.open_conversation(session=session, conversation_id=cid, chat_id=chat_id),
                kind="telegram",
            )
        except Overloaded as exc:
            await self.say(chat_id, exc.detail)
            return
        for message in result.replies:
            parts = render(message.sender, message.text, message.extra)
            if parts and message.sender == "bot" and (message.extra or {}).get("offers"):
                parts.append(helpful_part(message.seq, labels_language(message.extra)))
            if parts:
                await self.delivery.send_stored(cid, chat_id, message.seq, parts)
        if result.delete_requested:  # the engine's own "delete my data" dialogue
            await self.delete_everything(cid)

    # --- feedback (#13): the same service as POST /api/v1/conversations/{id}/feedback ------------------

    async def vote(self, query: Any, chat_id: int, data: str) -> None:
        """👍/👎 under an answer with offers: counted once, then the question gives way to the thanks."""
        seq_text, _, choice = data.partition(":")
        if not seq_text.isdigit() or choice not in ("j", "n") or not 0 < int(seq_text) < 2**31:
            await _answer(query, STALE_BUTTON)
            return
        cid = self.conversation_id(chat_id)
        outcome = await run_db(self._vote, cid, int(seq_text), choice == "j")
        await self._feedback_done(query, chat_id, cid, outcome)

    def _vote(self, cid: str, seq: int, helpful: bool) -> str:
        with session_scope(self.settings.database_url) as session:
            conversation = conversations.get(session=session, conversation_id=cid)
            if conversation is None:
                return "refused"
            if feedback.voted(session=session, conversation_id=cid, seq=seq):
                return "again"
            try:
                feedback.helpful(session=session, conversation=conversation, seq=seq, helpful=helpful)
            except feedback.FeedbackRefused:
                return "refused"
            return "new"

    async def rate(self, query: Any, chat_id: int, data: str) -> None:
        """1…5 after a closed handover, once per ticket; then the optional comment (next text or "Nein danke")."""
        ticket_id, _, choice = data.rpartition(":")
        cid = self.conversation_id(chat_id)
        if choice == SKIP:
            await _answer(query)
            self.awaiting_comment.pop(cid, None)
            await self._edit(query, chat_id, cid, THANKS)
            return
        if not ticket_id or choice not in ("1", "2", "3", "4", "5"):
            await _answer(query, STALE_BUTTON)
            return
        outcome = await run_db(self._rate, cid, ticket_id, int(choice))
        if outcome != "new":
            await self._feedback_done(query, chat_id, cid, outcome)
            return
        await _answer(query)
        message = getattr(query, "message", None)
        self.awaiting_comment[cid] = (ticket_id, getattr(message, "message_id", None))
        language = str(await run_db(self._language, cid))
        skip = [[InlineKeyboardButton(translate(NO_THANKS, language), callback_data=f"{RATING_PREFIX}{ticket_id}:{SKIP}")]]
        try:
            await query.edit_message_text(translate(COMMENT_Q, language), reply_markup=InlineKeyboardMarkup(skip))
        except TelegramError:
            await self.say(chat_id, COMMENT_Q, skip, language)

    def _rate(self, cid: str, ticket_id: str, rating: int) -> str:
        with session_scope(self.settings.database_url) as session:
            conversation = conversations.get(session=session, conversation_id=cid)
            if conversation is None:
                return "refused"
            if feedback.rated(session=session, conversation_id=cid, ticket_id=ticket_id):
                return "again"
            try:
                feedback.rating(session=session, conversation=conversation, rating=rating, comment=None, ticket_id=ticket_id)
            except feedback.FeedbackRefused:
                return "refused"
            return "new"

    async def comment(self, chat_id: int, text: str) -> None:
        """The citizen's text after the rating: stored with it for the office (kept 30 days), not sent on."""
        cid = self.conversation_id(chat_id)
        ticket_id, question_id = self.awaiting_comment.pop(cid)
        await run_db(self._comment, cid, ticket_id, text[:MAX_COMMENT])
        language = str(await run_db(self._language, cid))
        if question_id is not None:  # the question stays, its "Nein danke" goes
            with contextlib.suppress(TelegramError):
                await self.delivery.bot.edit_message_text(translate(COMMENT_Q, language), chat_id=chat_id, message_id=question_id)
        await self.say(chat_id, THANKS, language=language)

    def _comment(self, cid: str, ticket_id: str, text: str) -> None:
        with session_scope(self.settings.database_url) as session:
            conversation = conversations.get(session=session, conversation_id=cid)
            value = feedback.rated_value(session=session, conversation_id=cid, ticket_id=ticket_id)
            if conversation is None or value is None:
                return  # deleted in between: nothing to attach the comment to
            with contextlib.suppress(feedback.FeedbackRefused):
                feedback.rating(session=session, conversation=conversation, rating=value, comment=text, ticket_id=ticket_id)

    async def _feedback_done(self, query: Any, chat_id: int, cid: str, outcome: str) -> None:
        if outcome == "refused":
            await _answer(query, STALE_BUTTON)
        elif outcome == "again":
            language = str(await run_db(self._language, cid))
            await _answer(query, translate(NOTED, language))
        else:
            await _answer(query)
            await self._edit(query, chat_id, cid, THANKS)

    async def _edit(self, query: Any, chat_id: int, cid: str, text: str) -> None:
        """The question's message becomes ``text``, which also removes its buttons."""
        language = str(await run_db(self._language, cid))
        try:
            await query.edit_message_text(translate(text, language))
        except TelegramError:
            await self.say(chat_id, text, language=language)

    def _find_button(self, cid: str, data: str) -> tuple[str, str] | None:
        with read_scope(self.settings.database_url) as session:
            return chats.find_button(session=session, conversation_id=cid, data=data)

    async def delete_everything(self, conversation_id: str) -> bool:
        """The one delete-everywhere path (``bot.privacy``), which also removes the chat mapping."""
        self.awaiting_comment.pop(conversation_id, None)  # the next text is no comment on a deleted rating
        deleted = await run_db(privacy.delete_everywhere, state=self.app.state, conversation_id=conversation_id)
        return deleted.complete  # a chat that never wrote has nothing to delete, and that is no failure

    async def _allowed(self, chat_id: int, conversation_id: str) -> bool:
        """The widget's flood limit, per conversation (Telegram already limits per account)."""
        if await run_db(self.app.state.limiter.allow, "conv:" + conversation_id, self.settings.rate_limit_per_minute):
            return True
        await self.say(chat_id, TOO_FAST)
        return False

    async def _typing(self, chat_id: int) -> None:
        with contextlib.suppress(TelegramError):  # cosmetic only
            await self.delivery.bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log without the update (it holds the citizen's text) and tell the citizen something went wrong."""
        log.error("telegram: handling an update failed", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
            try:
                await self.say(update.effective_chat.id, FAILED)
            except Exception:
                log.warning("telegram: could not send the error notice")


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None  # guaranteed by the PRIVATE filter
    return update.effective_chat.id


async def _answer(query: Any, text: str | None = None) -> None:
    with contextlib.suppress(TelegramError):  # an expired query only means the spinner ran out
        await query.answer(text)
