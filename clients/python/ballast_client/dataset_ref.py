"""Immutable dataset version references, the rules of server/contracts/dataset-reference.ts.

Accepted: md5:<32 lowercase hex>[.dir] (DVC), s3://<bucket>/<key>?versionId=<id> (one S3 object
version) or an exact semver 2.0 release (a registry version, which also needs a content
fingerprint). Moving names (latest, main...), paths, unversioned S3 URLs and ranges are refused
with the same message the server gives.
"""

import re
from typing import Optional

__all__ = ["DatasetRefError", "check_dataset_version", "DATASET_NAME_RE", "FINGERPRINT_RE", "dataset_version_kind"]

# ECMAScript's WhiteSpace and LineTerminator, which String.prototype.trim and \s use.
JS_WHITESPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_WS = "[" + re.escape(JS_WHITESPACE) + "]"


def js_trim(value: str) -> str:
    return value.strip(JS_WHITESPACE)


class DatasetRefError(ValueError):
    def __init__(self, code: str, input_text: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.input = input_text


ACCEPTED_FORMS = (
    "use md5:<32 hex> (DVC), s3://bucket/key?versionId=<id> (S3 object version) "
    "or an exact semver such as 1.4.2 (registry)"
)

MOVING_ALIASES = frozenset(
    "latest newest current head tip main master trunk dev devel develop development stable nightly "
    "edge canary beta alpha next release prod production staging default".split()
)

MD5_PREFIX = "md5:"
_MD5_RE = re.compile(r"[0-9a-f]{32}")
_ANY_MD5_RE = re.compile(r"[0-9a-fA-F]{32}")
S3_PREFIX = "s3://"
S3_KEY_MAX_BYTES = 1024

_NUMERIC_ID = r"0|[1-9][0-9]*"
_PRERELEASE_ID = r"(?:%s|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)" % _NUMERIC_ID
SEMVER_RE = re.compile(
    r"(%s)\.(%s)\.(%s)" % (_NUMERIC_ID, _NUMERIC_ID, _NUMERIC_ID)
    + r"(?:-(%s(?:\.%s)*))?" % (_PRERELEASE_ID, _PRERELEASE_ID)
    + r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)

DATASET_NAME_RE = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?")
FINGERPRINT_RE = re.compile(r"sha256:[0-9a-f]{64}")


def _is_semver_range(text: str) -> bool:
    if re.match(r"(?:[\^~]" + _WS + r"*v?[0-9xX*]|[<>=])", text) or "||" in text or re.search(_WS + "-" + _WS, text):
        return True
    partial = re.fullmatch(r"v?([0-9]+|[xX*])(?:\.([0-9]+|[xX*]))?(?:\.([0-9]+|[xX*]))?", text)
    if not partial:
        return False
    parts = [part for part in partial.groups() if part is not None]
    return len(parts) < 3 or any(re.fullmatch(r"[xX*]", part) for part in parts)


def _parse_md5(text: str) -> None:
    body = text[len(MD5_PREFIX):]
    is_directory = body.endswith(".dir")
    hex_part = body[: -len(".dir")] if is_directory else body
    if _MD5_RE.fullmatch(hex_part):
        return
    if _ANY_MD5_RE.fullmatch(hex_part):
        raise DatasetRefError(
            "md5-malformed",
            text,
            '"%s" is not a canonical DVC md5: write the 32 hex digits in lowercase (md5:%s%s)'
            % (text, hex_part.lower(), ".dir" if is_directory else ""),
        )
    raise DatasetRefError(
        "md5-malformed",
        text,
        '"%s" is not a DVC md5: expected md5: followed by exactly 32 lowercase hex digits (optionally .dir), '
        "got %d character(s); copy the md5 from the .dvc file or dvc.lock" % (text, len(hex_part.encode("utf-16-le", "surrogatepass")) // 2),
    )


def _s3_bucket_problem(bucket: str) -> Optional[str]:
    if len(bucket) < 3 or len(bucket) > 63:
        return "must be 3 to 63 characters long"
    if not re.fullmatch(r"[a-z0-9.-]+", bucket):
        return "may contain only lowercase letters, digits, dots and hyphens"
    if not re.match(r"[a-z0-9]", bucket) or not re.search(r"[a-z0-9]\Z", bucket):
        return "must begin and end with a letter or digit"
    if ".." in bucket:
        return "must not contain two adjacent dots"
    if re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}", bucket):
        return "must not be formatted as an IP address"
    for prefix in ("xn--", "sthree-", "amzn-s3-demo-"):
        if bucket.startswith(prefix):
            return 'must not start with "%s"' % prefix
    for suffix in ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"):
        if bucket.endswith(suffix):
            return 'must not end with "%s"' % suffix
    return None


def _parse_s3(text: str) -> None:
    rest = text[len(S3_PREFIX):]
    slash = rest.find("/")
    bucket = rest.split("?")[0] if slash == -1 else rest[:slash]
    problem = _s3_bucket_problem(bucket)
    if problem:
        raise DatasetRefError("s3-invalid-bucket", text, '"%s": S3 bucket name "%s" %s' % (text, bucket, problem))
    after_bucket = "" if slash == -1 else rest[slash + 1:]
    question = after_bucket.find("?")
    key = after_bucket if question == -1 else after_bucket[:question]
    query = None if question == -1 else after_bucket[question + 1:]
    if key == "":
        raise DatasetRefError(
            "s3-invalid-key",
            text,
            '"%s" names a bucket, not an object: a dataset version must be one object, s3://%s/<key>?versionId=<id>' % (text, bucket),
        )
    if key.endswith("/"):
        raise DatasetRefError(
            "s3-invalid-key",
            text,
            '"%s" names a prefix ("folder"), whose contents can change; reference one object (for example a manifest) with ?versionId=<id>' % text,
        )
    if len(key.encode("utf-8", "surrogatepass")) > S3_KEY_MAX_BYTES:
        raise DatasetRefError("s3-invalid-key", text, '"%s": S3 object keys are at most %d bytes' % (text, S3_KEY_MAX_BYTES))
    if query is None or not query.startswith("versionId="):
        raise DatasetRefError(
            "s3-missing-version",
            text,
            '"%s" has no versionId, so the object can be overwritten; append ?versionId=<id> (see aws s3api list-object-versions)' % text,
        )
    version_id = query[len("versionId="):]
    if version_id == "":
        raise DatasetRefError("s3-missing-version", text, '"%s" has an empty versionId; give the object\'s version id' % text)
    if re.search("[" + re.escape(JS_WHITESPACE) + "&?#]", version_id):
        raise DatasetRefError(
            "s3-invalid-version",
            text,
            '"%s": the query must be exactly versionId=<id>, with no other parameters or whitespace' % text,
        )
    if version_id == "null":
        raise DatasetRefError(
            "s3-invalid-version",
            text,
            '"%s": versionId=null is the unversioned slot that the next write overwrites; enable versioning on the bucket and use the real version id' % text,
        )


def _strip_ref_prefix(text: str) -> str:
    return re.sub(r"^(?:refs/(?:heads|tags|remotes/[^/]+)/|origin/)", "", text, count=1, flags=re.IGNORECASE)


def _is_moving_alias(text: str) -> bool:
    if re.match(r"refs/", text, re.IGNORECASE) or "@{" in text:
        return True
    alias = _strip_ref_prefix(text).lower()
    if re.fullmatch(r"head(?:[~^][0-9]*)+", alias):
        return True
    tokens = [token for token in re.split(r"[-_.]", alias) if token != ""]
    return len(tokens) > 0 and (all(token in MOVING_ALIASES for token in tokens) or "latest" in tokens)


def dataset_version_kind(text: str) -> str:
    """'dvc-md5', 's3-version' or 'semver'; raises DatasetRefError for anything mutable or malformed."""
    if not isinstance(text, str):
        raise TypeError("a dataset version is a string")
    if js_trim(text) == "":
        raise DatasetRefError("empty", text, "a dataset version is required; %s" % ACCEPTED_FORMS)
    if text != js_trim(text):
        raise DatasetRefError("unrecognised", text, '"%s" has leading or trailing whitespace; remove it' % text)
    if text.lower().startswith(MD5_PREFIX):
        if not text.startswith(MD5_PREFIX):
            raise DatasetRefError("md5-malformed", text, '"%s": write the prefix in lowercase, md5:' % text)
        _parse_md5(text)
        return "dvc-md5"
    if text.startswith(S3_PREFIX):
        _parse_s3(text)
        return "s3-version"
    if SEMVER_RE.fullmatch(text):
        return "semver"
    if _is_moving_alias(text):
        raise DatasetRefError(
            "moving-alias",
            text,
            '"%s" is a moving name that points at different data over time, so the run could not be reproduced; %s' % (text, ACCEPTED_FORMS),
        )
    if re.match(r"v[0-9]+\.[0-9]+\.[0-9]+", text) and SEMVER_RE.fullmatch(text[1:]):
        raise DatasetRefError("semver-invalid", text, '"%s": write the version without the leading "v" (%s)' % (text, text[1:]))
    if _is_semver_range(text):
        raise DatasetRefError(
            "semver-range",
            text,
            '"%s" is a version range (or a partial version, which means a range) and can resolve to a newer release later; '
            "pin one exact version such as 1.4.2" % text,
        )
    if re.match(r"[0-9]+\.[0-9]+\.[0-9]+", text):
        raise DatasetRefError(
            "semver-invalid",
            text,
            '"%s" is not a valid semantic version (MAJOR.MINOR.PATCH[-prerelease][+build], no leading zeros)' % text,
        )
    if re.match(r"[a-z][a-z0-9+.-]*://", text, re.IGNORECASE) or "/" in text or re.match(r"[.~]", text):
        raise DatasetRefError(
            "unversioned-location",
            text,
            '"%s" is a location, and the bytes at a location can change; %s' % (text, ACCEPTED_FORMS),
        )
    if _ANY_MD5_RE.fullmatch(text):
        raise DatasetRefError("md5-malformed", text, '"%s" looks like a DVC md5; write it as md5:%s' % (text, text.lower()))
    raise DatasetRefError("unrecognised", text, '"%s" is not an immutable dataset version; %s' % (text, ACCEPTED_FORMS))


def check_dataset_version(text: str) -> None:
    """Raises DatasetRefError unless text is an immutable dataset version."""
    dataset_version_kind(text)
