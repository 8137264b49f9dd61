"""Build the POST an admin change form would send, from the form Django rendered."""


def _value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value


def admin_post_data(response) -> dict:
    """The data of the rendered change form (main form and every inline) as the browser would post it."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = _value(form[name])
        if value != "":
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            value = formset.management_form[name].value()
            data[f"{formset.prefix}-{name}"] = "" if value is None else value
        for subform in formset.forms:
            for name in subform.fields:
                value = _value(subform[name])
                if value != "":
                    data[subform.add_prefix(name)] = value
    return {k: v for k, v in data.items() if v is not False}


def add_inline_row(data: dict, prefix: str, **fields) -> dict:
    """Append one new row to an inline formset in ``data``."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return data
