"""Schemathesis hooks for the sandbox run: one extra check, and the spec allowances.

`intercom_status` fails an answer whose status the operation does not document, unless its
body is Intercom's error object (`{"type": "error.list", "errors": [...]}`), which Intercom
sends for any status.
"""

import json

import schemathesis


def _intercom_error(response):
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return False
    return (
        isinstance(body, dict)
        and body.get("type") == "error.list"
        and isinstance(body.get("errors"), list)
    )


@schemathesis.check
def intercom_status(ctx, response, case):
    """Every status answered is documented for the operation or is an Intercom error object."""
    documented = set(case.operation.responses.status_codes)
    status = str(response.status_code)
    if "default" in documented or status in documented:
        return None
    if f"{status[0]}XX" in documented:
        return None
    if _intercom_error(response):
        return None
    raise AssertionError(
        f"{response.status_code} is not documented for {case.operation.label} "
        f"(documented: {', '.join(sorted(documented))}) and the body is not an error.list"
    )
