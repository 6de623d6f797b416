# tests/golden: build fragment, included from the top Makefile.am (paths from the top).

# report parser: golden transcripts, NAME.eml -> dump_report -> NAME.ref
check_PROGRAMS += tests/golden/dump_report
tests_golden_dump_report_SOURCES = tests/golden/dump_report.c
tests_golden_dump_report_LDADD = $(BG_LIBS) $(BG_EXT_LIBS)
TESTS += tests/golden/run.sh
EXTRA_DIST += tests/golden/run.sh
EXTRA_DIST += tests/golden/arf.eml tests/golden/arf.ref
EXTRA_DIST += tests/golden/broken-mime.eml tests/golden/broken-mime.ref
EXTRA_DIST += tests/golden/delivered.eml tests/golden/delivered.ref
EXTRA_DIST += tests/golden/exchange-cr.eml tests/golden/exchange-cr.ref
EXTRA_DIST += tests/golden/exim.eml tests/golden/exim.ref
EXTRA_DIST += tests/golden/forwarded-inline.eml tests/golden/forwarded-inline.ref
EXTRA_DIST += tests/golden/global-dsn.eml tests/golden/global-dsn.ref
EXTRA_DIST += tests/golden/gmail.eml tests/golden/gmail.ref
EXTRA_DIST += tests/golden/nul-bytes.eml tests/golden/nul-bytes.ref
EXTRA_DIST += tests/golden/plain.eml tests/golden/plain.ref
EXTRA_DIST += tests/golden/qmail.eml tests/golden/qmail.ref
EXTRA_DIST += tests/golden/rfc3464-postfix.eml tests/golden/rfc3464-postfix.ref
EXTRA_DIST += tests/golden/sendmail-dsn.eml tests/golden/sendmail-dsn.ref
EXTRA_DIST += tests/golden/ses-bounce.eml tests/golden/ses-bounce.ref
EXTRA_DIST += tests/golden/vacation.eml tests/golden/vacation.ref
EXTRA_DIST += tests/golden/yahoo-delayed.eml tests/golden/yahoo-delayed.ref
EXTRA_DIST += tests/golden/courier.eml tests/golden/courier.ref
EXTRA_DIST += tests/golden/domino.eml tests/golden/domino.ref
EXTRA_DIST += tests/golden/groupwise.eml tests/golden/groupwise.ref
EXTRA_DIST += tests/golden/messagingserver.eml tests/golden/messagingserver.ref
EXTRA_DIST += tests/golden/sendmail-v5.eml tests/golden/sendmail-v5.ref
EXTRA_DIST += tests/golden/o365-html.eml tests/golden/o365-html.ref
# notices of families and layouts beyond the corpus: MDaemon, hMailServer,
# Kerio, SmarterMail, Exchange (diagnostics, German, French, delay, 2010),
# appliances, Exim retry time-outs, warnings, HTML-only, reports without text
EXTRA_DIST += tests/golden/barracuda.eml tests/golden/barracuda.ref
EXTRA_DIST += tests/golden/exchange-de.eml tests/golden/exchange-de.ref
EXTRA_DIST += tests/golden/exchange-delay.eml tests/golden/exchange-delay.ref
EXTRA_DIST += tests/golden/exchange-expired-temporary.eml tests/golden/exchange-expired-temporary.ref
EXTRA_DIST += tests/golden/export-table-rows.eml tests/golden/export-table-rows.ref
EXTRA_DIST += tests/golden/exchange-diag.eml tests/golden/exchange-diag.ref
EXTRA_DIST += tests/golden/exchange-fr.eml tests/golden/exchange-fr.ref
EXTRA_DIST += tests/golden/exchange2010.eml tests/golden/exchange2010.ref
EXTRA_DIST += tests/golden/exim-retry.eml tests/golden/exim-retry.ref
EXTRA_DIST += tests/golden/global-dsn-idn.eml tests/golden/global-dsn-idn.ref
EXTRA_DIST += tests/golden/gmail-blocked.eml tests/golden/gmail-blocked.ref
EXTRA_DIST += tests/golden/hmailserver.eml tests/golden/hmailserver.ref
EXTRA_DIST += tests/golden/html-qp.eml tests/golden/html-qp.ref
EXTRA_DIST += tests/golden/kerio.eml tests/golden/kerio.ref
EXTRA_DIST += tests/golden/list-reason.eml tests/golden/list-reason.ref
EXTRA_DIST += tests/golden/mdaemon.eml tests/golden/mdaemon.ref
EXTRA_DIST += tests/golden/mimecast.eml tests/golden/mimecast.ref
EXTRA_DIST += tests/golden/notice-de.eml tests/golden/notice-de.ref
EXTRA_DIST += tests/golden/postfix-delayed.eml tests/golden/postfix-delayed.ref
EXTRA_DIST += tests/golden/proofpoint.eml tests/golden/proofpoint.ref
EXTRA_DIST += tests/golden/report-no-text.eml tests/golden/report-no-text.ref
EXTRA_DIST += tests/golden/sendmail-warning.eml tests/golden/sendmail-warning.ref
EXTRA_DIST += tests/golden/smartermail.eml tests/golden/smartermail.ref
EXTRA_DIST += tests/golden/notice-es.eml tests/golden/notice-es.ref
EXTRA_DIST += tests/golden/left-company.eml tests/golden/left-company.ref
EXTRA_DIST += tests/golden/bulleted.eml tests/golden/bulleted.ref
EXTRA_DIST += tests/golden/communigate.eml tests/golden/communigate.ref
EXTRA_DIST += tests/golden/icewarp.eml tests/golden/icewarp.ref
EXTRA_DIST += tests/golden/mailenable.eml tests/golden/mailenable.ref
EXTRA_DIST += tests/golden/notice-it.eml tests/golden/notice-it.ref
EXTRA_DIST += tests/golden/notice-pt.eml tests/golden/notice-pt.ref
EXTRA_DIST += tests/golden/notice-zh.eml tests/golden/notice-zh.ref
EXTRA_DIST += tests/golden/notice-ru.eml tests/golden/notice-ru.ref
EXTRA_DIST += tests/golden/exchange-es.eml tests/golden/exchange-es.ref
# addresses a notice quotes that did not fail: a new address given for a
# recipient that has moved, a message id in a session transcript
EXTRA_DIST += tests/golden/exim-moved.eml tests/golden/exim-moved.ref
EXTRA_DIST += tests/golden/qmail-moved.eml tests/golden/qmail-moved.ref
EXTRA_DIST += tests/golden/mdaemon-transcript.eml tests/golden/mdaemon-transcript.ref
# a read receipt, a DSN whose Status says 4.x.x, a notice that quotes the
# original's sender, an NDR whose failed recipient the original's Cc hides,
# a new address given with "moved to"
EXTRA_DIST += tests/golden/mdn-plain.eml tests/golden/mdn-plain.ref
EXTRA_DIST += tests/golden/dsn-status4.eml tests/golden/dsn-status4.ref
EXTRA_DIST += tests/golden/notice-quotes-sender.eml tests/golden/notice-quotes-sender.ref
EXTRA_DIST += tests/golden/ndr-cc.eml tests/golden/ndr-cc.ref
EXTRA_DIST += tests/golden/exchange-imceaex.eml tests/golden/exchange-imceaex.ref
EXTRA_DIST += tests/golden/notice-moved-to.eml tests/golden/notice-moved-to.ref
# a session transcript whose first RCPT was accepted
EXTRA_DIST += tests/golden/transcript-rcpt.eml tests/golden/transcript-rcpt.ref
# an automatic reply that quotes a failure
EXTRA_DIST += tests/golden/vacation-quotes-failure.eml tests/golden/vacation-quotes-failure.ref
# a Japanese notice (ISO-2022-JP, base64) with no reply codes
EXTRA_DIST += tests/golden/japanese-notice.eml tests/golden/japanese-notice.ref
# a mail system's notice titled as the automatic reply it returns
EXTRA_DIST += tests/golden/notice-of-autoreply.eml tests/golden/notice-of-autoreply.ref
# an Exchange automatic reply (Auto-Submitted: auto-generated) quoting a failure
EXTRA_DIST += tests/golden/exchange-oof-quotes-failure.eml tests/golden/exchange-oof-quotes-failure.ref
# a forward of a forward whose innermost attachment is the notice
EXTRA_DIST += tests/golden/forwarded-twice.eml tests/golden/forwarded-twice.ref
# a mail system returns a forward that holds an older notice: the forward's
# recipient failed, not the older notice's
EXTRA_DIST += tests/golden/returned-forward.eml tests/golden/returned-forward.ref
# a text notice with a section of final failures between delayed ones
EXTRA_DIST += tests/golden/mixed-failed-delayed.eml tests/golden/mixed-failed-delayed.ref
# a mailing list's digest whose posts quote a bounce: no notice
EXTRA_DIST += tests/golden/list-digest.eml tests/golden/list-digest.ref
# a newsletter (List-Unsubscribe:, from a person) that quotes a bounce
EXTRA_DIST += tests/golden/newsletter-quotes-bounce.eml tests/golden/newsletter-quotes-bounce.ref
# a person's reply in a conversation (RE:, In-Reply-To:) that quotes a
# bounce: no notice; a mail system's notice titled as a reply still is one
EXTRA_DIST += tests/golden/reply-quotes-bounce.eml tests/golden/reply-quotes-bounce.ref
EXTRA_DIST += tests/golden/notice-reply-subject.eml tests/golden/notice-reply-subject.ref
# an HTML notice in GBK, its recipient after a full-width colon, its reason
# in Chinese after a summary of the original ("原邮件信息")
EXTRA_DIST += tests/golden/html-gbk.eml tests/golden/html-gbk.ref
# a notice whose DSN fields are pasted in its text, without a
# Diagnostic-Code: the prose above them says why
EXTRA_DIST += tests/golden/dsn-fields-in-text.eml tests/golden/dsn-fields-in-text.ref
# an Amazon SNS notification that carries the SES bounce as an escaped
# string: its bounced recipient alone
EXTRA_DIST += tests/golden/ses-sns.eml tests/golden/ses-sns.ref
# a French notice in windows-1252 that quotes its recipient in « »
EXTRA_DIST += tests/golden/notice-fr-guillemets.eml tests/golden/notice-fr-guillemets.ref
# a notice whose attempt log gives a temporary refusal, then a permanent
# one: the permanent one says why
EXTRA_DIST += tests/golden/transcript-final-permanent.eml tests/golden/transcript-final-permanent.ref
# a Korean notice that names its recipient after the label "받는 사람 :"
EXTRA_DIST += tests/golden/notice-ko.eml tests/golden/notice-ko.ref
# a German notice whose help desk's address stands on the line after
# "wenden Sie sich bitte an": no recipient
EXTRA_DIST += tests/golden/notice-de-support.eml tests/golden/notice-de-support.ref
# a list manager's refusal of a post (auto-replied): the list's address
# failed, for the sender's reason
EXTRA_DIST += tests/golden/list-refusal.eml tests/golden/list-refusal.ref
# transcripts refused before RCPT TO; automatic replies and filter summaries
# that quote failures; a moderated list; a notice in Polish
EXTRA_DIST += tests/golden/transcript-mailfrom.eml tests/golden/transcript-mailfrom.ref
EXTRA_DIST += tests/golden/mdaemon-mailfrom.eml tests/golden/mdaemon-mailfrom.ref
EXTRA_DIST += tests/golden/ticket-quotes-bounce.eml tests/golden/ticket-quotes-bounce.ref
EXTRA_DIST += tests/golden/ticket-received-quote.eml tests/golden/ticket-received-quote.ref
EXTRA_DIST += tests/golden/held-digest.eml tests/golden/held-digest.ref
EXTRA_DIST += tests/golden/list-moderated.eml tests/golden/list-moderated.ref
EXTRA_DIST += tests/golden/notice-pl.eml tests/golden/notice-pl.ref
EXTRA_DIST += tests/golden/ticket-ack-inline.eml tests/golden/ticket-ack-inline.ref
# DSNs whose diagnostics are codes alone, read with the notice's words; a
# notice whose reason is a paragraph of its own
EXTRA_DIST += tests/golden/dsn-vague-it.eml tests/golden/dsn-vague-it.ref
EXTRA_DIST += tests/golden/dsn-vague-two.eml tests/golden/dsn-vague-two.ref
EXTRA_DIST += tests/golden/reason-paragraph-de.eml tests/golden/reason-paragraph-de.ref
# an HTML notice titled as a marker, its address split by inline tags; a
# delivery log of one row a recipient; a DSN whose Final-Recipient is
# "unknown;"
EXTRA_DIST += tests/golden/html-title-notice.eml tests/golden/html-title-notice.ref
EXTRA_DIST += tests/golden/delivery-log-table.eml tests/golden/delivery-log-table.ref
EXTRA_DIST += tests/golden/dsn-final-unknown.eml tests/golden/dsn-final-unknown.ref
# a transcript of several recipients, each by the reply to its RCPT
EXTRA_DIST += tests/golden/mdaemon-multi.eml tests/golden/mdaemon-multi.ref
# Gmail's older notice of several recipients, a section each
EXTRA_DIST += tests/golden/gmail-classic-multi.eml tests/golden/gmail-classic-multi.ref
# qmail's recipients, one with no code before one with a reply
EXTRA_DIST += tests/golden/qmail-multi.eml tests/golden/qmail-multi.ref
# further fixtures, one a format or layout each (tests/integration/classify/golden.tsv says what each holds)
EXTRA_DIST += tests/golden/delay-table-mixed.eml tests/golden/delay-table-mixed.ref
EXTRA_DIST += tests/golden/details-msgid.eml tests/golden/details-msgid.ref
EXTRA_DIST += tests/golden/exim-dsn-no-diagnostic.eml tests/golden/exim-dsn-no-diagnostic.ref
EXTRA_DIST += tests/golden/exim-sender-refused.eml tests/golden/exim-sender-refused.ref
EXTRA_DIST += tests/golden/filter-blocked.eml tests/golden/filter-blocked.ref
EXTRA_DIST += tests/golden/fml-not-member.eml tests/golden/fml-not-member.ref
EXTRA_DIST += tests/golden/gateway-summary.eml tests/golden/gateway-summary.ref
EXTRA_DIST += tests/golden/html-mailto-names.eml tests/golden/html-mailto-names.ref
EXTRA_DIST += tests/golden/isp-summary-to.eml tests/golden/isp-summary-to.ref
EXTRA_DIST += tests/golden/mdn-sieve-reject.eml tests/golden/mdn-sieve-reject.ref
EXTRA_DIST += tests/golden/notice-es-noreply.eml tests/golden/notice-es-noreply.ref
EXTRA_DIST += tests/golden/notice-ja-label.eml tests/golden/notice-ja-label.ref
EXTRA_DIST += tests/golden/notice-uk-label.eml tests/golden/notice-uk-label.ref
EXTRA_DIST += tests/golden/relay-deferred.eml tests/golden/relay-deferred.ref
EXTRA_DIST += tests/golden/reply-mentions-bounce.eml tests/golden/reply-mentions-bounce.ref
EXTRA_DIST += tests/golden/table-phone.eml tests/golden/table-phone.ref
EXTRA_DIST += tests/golden/ticket-quotes-forward.eml tests/golden/ticket-quotes-forward.ref
EXTRA_DIST += tests/golden/version-in-diagnostic.eml tests/golden/version-in-diagnostic.ref
EXTRA_DIST += tests/golden/transcript-envelope-sender.eml tests/golden/transcript-envelope-sender.ref
EXTRA_DIST += tests/golden/list-bounce-action.eml tests/golden/list-bounce-action.ref
EXTRA_DIST += tests/golden/gateway-cc-self.eml tests/golden/gateway-cc-self.ref
EXTRA_DIST += tests/golden/list-held-bounce.eml tests/golden/list-held-bounce.ref
EXTRA_DIST += tests/golden/summary-delivered-loop.eml tests/golden/summary-delivered-loop.ref
EXTRA_DIST += tests/golden/event-json-keys.eml tests/golden/event-json-keys.ref
EXTRA_DIST += tests/golden/prose-sender-address.eml tests/golden/prose-sender-address.ref
EXTRA_DIST += tests/golden/reason-before-list.eml tests/golden/reason-before-list.ref
EXTRA_DIST += tests/golden/reason-two-before-list.eml tests/golden/reason-two-before-list.ref
EXTRA_DIST += tests/golden/list-post-refused.eml tests/golden/list-post-refused.ref
EXTRA_DIST += tests/golden/group-not-member.eml tests/golden/group-not-member.ref
EXTRA_DIST += tests/golden/qmail-list-forward.eml tests/golden/qmail-list-forward.ref
EXTRA_DIST += tests/golden/list-own-bounces-info.eml tests/golden/list-own-bounces-info.ref
EXTRA_DIST += tests/golden/delivered-several.eml tests/golden/delivered-several.ref
EXTRA_DIST += tests/golden/envelope-received-for.eml tests/golden/envelope-received-for.ref
EXTRA_DIST += tests/golden/envelope-x-to.eml tests/golden/envelope-x-to.ref
EXTRA_DIST += tests/golden/local-part-named.eml tests/golden/local-part-named.ref
EXTRA_DIST += tests/golden/prose-delay-continued.eml tests/golden/prose-delay-continued.ref
EXTRA_DIST += tests/golden/list-uncaught-bounce.eml tests/golden/list-uncaught-bounce.ref
EXTRA_DIST += tests/golden/autoreply-challenge.eml tests/golden/autoreply-challenge.ref
EXTRA_DIST += tests/golden/autoreply-closed-undelivered.eml tests/golden/autoreply-closed-undelivered.ref
EXTRA_DIST += tests/golden/autoreply-not-forwarded.eml tests/golden/autoreply-not-forwarded.ref
EXTRA_DIST += tests/golden/autoreply-held-verify.eml tests/golden/autoreply-held-verify.ref
EXTRA_DIST += tests/golden/json-event-nested.eml tests/golden/json-event-nested.ref
EXTRA_DIST += tests/golden/json-event-list.eml tests/golden/json-event-list.ref
EXTRA_DIST += tests/golden/ticket-quote-undelivered.eml tests/golden/ticket-quote-undelivered.ref
EXTRA_DIST += tests/golden/challenge-held.eml tests/golden/challenge-held.ref
EXTRA_DIST += tests/golden/autoreply-address-closed.eml tests/golden/autoreply-address-closed.ref
EXTRA_DIST += tests/golden/autoreply-closed-until.eml tests/golden/autoreply-closed-until.ref
EXTRA_DIST += tests/golden/mailman3-bounce-disabled.eml tests/golden/mailman3-bounce-disabled.ref
EXTRA_DIST += tests/golden/sympa-refused-fr.eml tests/golden/sympa-refused-fr.ref
EXTRA_DIST += tests/golden/autoreply-noreply-closed.eml tests/golden/autoreply-noreply-closed.ref
EXTRA_DIST += tests/golden/autoreply-closed-range-fr.eml tests/golden/autoreply-closed-range-fr.ref
EXTRA_DIST += tests/golden/autoreply-account-deleted.eml tests/golden/autoreply-account-deleted.ref
EXTRA_DIST += tests/golden/autoreply-closed-portal.eml tests/golden/autoreply-closed-portal.ref
EXTRA_DIST += tests/golden/autoreply-casella-it.eml tests/golden/autoreply-casella-it.ref
EXTRA_DIST += tests/golden/forward-inline-twice.eml tests/golden/forward-inline-twice.ref
EXTRA_DIST += tests/golden/exchange-display-name.eml tests/golden/exchange-display-name.ref
EXTRA_DIST += tests/golden/platform-bouncing.eml tests/golden/platform-bouncing.ref
EXTRA_DIST += tests/golden/person-quotes-bounce.eml tests/golden/person-quotes-bounce.ref
EXTRA_DIST += tests/golden/cron-log-summary.eml tests/golden/cron-log-summary.ref
EXTRA_DIST += tests/golden/autoreply-closed-sv.eml tests/golden/autoreply-closed-sv.ref
EXTRA_DIST += tests/golden/subject-names-rcpt.eml tests/golden/subject-names-rcpt.ref
EXTRA_DIST += tests/golden/forward-gmail-inside.eml tests/golden/forward-gmail-inside.ref
# an auto-reply that says its own address has changed (and names the new one)
EXTRA_DIST += tests/golden/autoreply-address-changed.eml tests/golden/autoreply-address-changed.ref
# a Russian vacation reply that says its mailbox is closed
EXTRA_DIST += tests/golden/autoreply-closed-ru.eml tests/golden/autoreply-closed-ru.ref
EXTRA_DIST += tests/golden/sendmail-two-hosts.eml tests/golden/sendmail-two-hosts.ref
EXTRA_DIST += tests/golden/mailmarshal-multiline.eml tests/golden/mailmarshal-multiline.ref
EXTRA_DIST += tests/golden/sendmail-own-reason.eml tests/golden/sendmail-own-reason.ref
EXTRA_DIST += tests/golden/sendmail-first-line.eml tests/golden/sendmail-first-line.ref
EXTRA_DIST += tests/golden/dsn-role-recipient.eml tests/golden/dsn-role-recipient.ref
EXTRA_DIST += tests/golden/exim-ehlo-rejected.eml tests/golden/exim-ehlo-rejected.ref
EXTRA_DIST += tests/golden/sendmail-nullmx.eml tests/golden/sendmail-nullmx.ref
EXTRA_DIST += tests/golden/sendmail-old-transcript.eml tests/golden/sendmail-old-transcript.ref
EXTRA_DIST += tests/golden/sendmail-program-output.eml tests/golden/sendmail-program-output.ref
EXTRA_DIST += tests/golden/virus-scanner-report.eml tests/golden/virus-scanner-report.ref
EXTRA_DIST += tests/golden/sendmail-exit-causes.eml tests/golden/sendmail-exit-causes.ref
