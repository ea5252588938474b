"""The notifier port and its SMS providers: Aliyun and Tencent Cloud through their official
SDKs, and a development provider that keeps every message in the database (短信发件箱).

A provider sends one message (a template by code with parameters) and answers with a
`Result`; it never raises for a refusal, so the caller records every answer the same way.
The message id goes along as the provider's own reference (Aliyun OutId, Tencent
SessionContext), so a delivery report can always be matched to the message.
"""

import json
from dataclasses import dataclass, field

from flask import current_app

from app.extensions import db
from app.messaging import texts
from app.messaging.models import DevSmsDelivery

# Provider answers that mean "try again later": throttling and their own trouble.
ALIYUN_RETRYABLE = ("isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "isp.RAM_PERMISSION_DENY")
TENCENT_RETRYABLE_PREFIXES = ("InternalError", "RequestLimitExceeded", "LimitExceeded")


@dataclass
class Result:
    ok: bool
    retryable: bool = False
    provider_message_id: str | None = None
    answer: dict = field(default_factory=dict)


class DevProvider:
    """Keeps the message in sms_dev_deliveries; what `make run` and the tests use."""

    name = "dev"

    def send(self, message):
        if current_app.config["SMS_DEV_FAIL"]:  # lets a demo show an outage and recovery
            return Result(False, True, answer={"code": "DevOutage", "message": "SMS_DEV_FAIL"})
        delivery = db.session.scalar(
            db.select(DevSmsDelivery).where(DevSmsDelivery.message_id == message.id)
        )
        if delivery is None:
            delivery = DevSmsDelivery(message_id=message.id, phone=message.phone, text=message.text)
            db.session.add(delivery)
            db.session.flush()
        return Result(True, provider_message_id=f"dev-{delivery.id}", answer={"code": "OK"})


class AliyunProvider:
    """Aliyun SMS (dysmsapi 2017-05-25), SendSms with a template code and JSON parameters."""

    name = "aliyun"

    def __init__(self, config):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config as ApiConfig

        self.config = config
        self.client = Client(
            ApiConfig(
                access_key_id=config["SMS_ACCESS_KEY_ID"],
                access_key_secret=config["SMS_ACCESS_KEY_SECRET"],
                endpoint=config["SMS_ENDPOINT"] or "dysmsapi.aliyuncs.com",
            )
        )

    def send(self, message):
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest
        from darabonba.runtime import RuntimeOptions

        if not template_code(self.config, message.kind):
            return NO_TEMPLATE
        request = SendSmsRequest(
            phone_numbers=message.phone,
            sign_name=self.config["SMS_SIGN_NAME"],
            template_code=template_code(self.config, message.kind),
            template_param=json.dumps(
                texts.named_params(message.kind, message.params), ensure_ascii=False
            ),
            out_id=str(message.id),
        )
        seconds = self.config["SMS_TIMEOUT_SECONDS"] * 1000
        runtime = RuntimeOptions(autoretry=False, read_timeout=seconds, connect_timeout=seconds)
        try:
            body = self.client.send_sms_with_options(request, runtime).body
        except Exception as exc:  # network and 5xx: try again; a refused request (isv.*): no
            answer = _error_answer(exc)
            code = answer["code"]
            return Result(
                False, code in ALIYUN_RETRYABLE or not code.startswith("isv."), answer=answer
            )
        answer = {"code": body.code, "message": body.message, "request_id": body.request_id}
        if body.code == "OK":
            return Result(True, provider_message_id=body.biz_id, answer=answer)
        return Result(False, body.code in ALIYUN_RETRYABLE, answer=answer)


class TencentProvider:
    """Tencent Cloud SMS (2021-01-11), SendSms with a template id and ordered parameters."""

    name = "tencent"

    def __init__(self, config):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        self.config = config
        http = HttpProfile(
            endpoint=config["SMS_ENDPOINT"] or "sms.tencentcloudapi.com",
            reqTimeout=config["SMS_TIMEOUT_SECONDS"],
        )
        self.client = sms_client.SmsClient(
            credential.Credential(config["SMS_ACCESS_KEY_ID"], config["SMS_ACCESS_KEY_SECRET"]),
            config["SMS_REGION"] or "ap-guangzhou",
            ClientProfile(httpProfile=http),
        )

    def send(self, message):
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111 import models

        if not template_code(self.config, message.kind):
            return NO_TEMPLATE
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{message.phone}"]
        request.SmsSdkAppId = self.config["SMS_APP_ID"]
        request.SignName = self.config["SMS_SIGN_NAME"]
        request.TemplateId = template_code(self.config, message.kind)
        request.TemplateParamSet = texts.ordered_params(message.kind, message.params)
        request.SessionContext = str(message.id)
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as exc:
            code = exc.get_code() or ""
            answer = {"code": code, "message": exc.get_message(), "request_id": exc.requestId}
            retryable = code == "ClientNetworkError" or code.startswith(TENCENT_RETRYABLE_PREFIXES)
            return Result(False, retryable, answer=answer)
        except Exception as exc:
            return Result(False, True, answer=_error_answer(exc))
        status = response.SendStatusSet[0]
        answer = {"code": status.Code, "message": status.Message, "request_id": response.RequestId}
        if status.Code == "Ok":
            return Result(True, provider_message_id=status.SerialNo, answer=answer)
        return Result(False, status.Code.startswith(TENCENT_RETRYABLE_PREFIXES), answer=answer)


PROVIDERS = {"dev": DevProvider, "aliyun": AliyunProvider, "tencent": TencentProvider}


def provider_for(config):
    """The configured provider (SMS_PROVIDER); built once per process and kept."""
    cache = current_app.extensions.setdefault("tapline_sms_providers", {})
    name = config["SMS_PROVIDER"]
    if name not in cache:
        if name not in PROVIDERS:
            raise RuntimeError(f"SMS_PROVIDER must be one of {', '.join(PROVIDERS)}, not {name}")
        cache[name] = PROVIDERS[name]() if name == "dev" else PROVIDERS[name](config)
    return cache[name]


def template_code(config, kind):
    return texts.parse_template_codes(config["SMS_TEMPLATES"]).get(kind)


NO_TEMPLATE = Result(False, answer={"code": "NoTemplate", "message": "SMS_TEMPLATES lacks it"})


def _error_answer(exc):
    code = getattr(exc, "code", None) or type(exc).__name__
    return {"code": str(code), "message": str(getattr(exc, "message", None) or exc)[:500]}
