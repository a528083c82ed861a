"""What Tandem sends out after a change commits: signed webhooks (Standard Webhooks)
and Slack / Microsoft Teams chat messages.

* :mod:`.signing` — secrets and ``webhook-signature`` values;
* :mod:`.payloads` — the bytes sent (webhook body, Slack blocks, Teams Adaptive Card);
* :mod:`.sinks` — the event sink that turns each event into messages, in the change's
  transaction, and enqueues their delivery on commit;
* :mod:`.delivery` — one attempt: POST, record, schedule the retry or give up;
* :mod:`.services` — what people do: endpoints, channels, rotate, ping, replay;
* :mod:`.selectors` — the lists the pages and the API show.
"""
