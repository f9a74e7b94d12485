"""The application's typed keys: what ``bot.app.create_app`` puts into the aiohttp application
and the request handlers (the webhooks, the staff console) take out of it.

They live apart from app.py so that the console can reach the store and the relay without
importing the module that sets the console up.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.channels.email import Mailer
from bot.channels.line import LineChannel
from bot.channels.telegram import TelegramChannel
from bot.channels.web_live import LiveUpdates
from bot.delivery import Pipeline
from bot.desk import Desk
from bot.kb.live import LiveKnowledge
from bot.metrics import Metrics
from bot.ratelimit import AddressBudget
from bot.settings import Settings
from bot.staff.relay import Relay
from bot.staff.telegram_group import StaffGroup
from bot.store import Store

SETTINGS = web.AppKey("settings", Settings)
#: The knowledge base and matcher answers come from; replaced in place by a reload.
KNOWLEDGE = web.AppKey("knowledge", LiveKnowledge)
STORE = web.AppKey("store", Store)
DESK = web.AppKey("desk", Desk)
LINE = web.AppKey("line", LineChannel)
TELEGRAM = web.AppKey("telegram", TelegramChannel)
#: Background tasks (staff-group updates) that stopping the server waits for.
TASKS = web.AppKey("tasks", set[asyncio.Task[None]])
RELAY = web.AppKey("relay", Relay)
PIPELINE = web.AppKey("pipeline", Pipeline)
METRICS = web.AppKey("metrics", Metrics)
STAFF_GROUP = web.AppKey("staff_group", StaffGroup)
#: The web chat's per-address budgets of messages and of new tickets.
WEB_MESSAGES = web.AppKey("web_messages", AddressBudget)
WEB_TICKETS = web.AppKey("web_tickets", AddressBudget)
#: Web-chat pages waiting for staff answers (long polls), bounded per address and in all.
WEB_LIVE = web.AppKey("web_live", LiveUpdates)
#: Sends staff answers to the e-mail addresses web-chat visitors left (SMTP set up).
MAILER = web.AppKey("mailer", Mailer)
