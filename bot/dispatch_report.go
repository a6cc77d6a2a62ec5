package bot

import (
	"context"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// The author of a broadcast sees one progress message, edited as delivery
// goes on, and a final report (DESIGN §3). Reports go out from their own
// goroutine: a slow answer from the author's chat must not hold up delivery.

// report is a progress or final message to send.
type report struct {
	a     *active
	b     store.Broadcast
	final bool
}

// report queues progress messages for the broadcasts due one.
func (d *dispatcher) report(now time.Time) {
	d.mu.Lock()
	var due []report
	for _, a := range d.active {
		if a.b.ReportChat != 0 && !a.cancelled && now.Sub(a.lastProgress) >= progressEvery {
			a.lastProgress = now
			due = append(due, report{a: a, b: a.b})
		}
	}
	d.mu.Unlock()
	for _, r := range due {
		select {
		case d.reports <- r:
			d.mu.Lock()
			d.reporting++
			d.mu.Unlock()
		default: // the reporter is busy: the next tick will do
		}
	}
}

// final queues the final report of a finished broadcast (finish counted it
// in reporting already).
func (d *dispatcher) final(ctx context.Context, a *active) {
	if c, err := d.b.db.DeliveryCounts(ctx, a.b.ID); err == nil {
		d.b.log.Info("broadcast delivered", "broadcast", a.b.ID, "author", a.b.Author,
			"sent", c.Sent, "blocked", c.Blocked, "failed", c.Failed, "skipped", c.Skipped)
	}
	if a.b.ReportChat == 0 {
		return
	}
	d.reports <- report{a: a, b: a.b, final: true}
}

// reporter sends the reports queued until the channel closes.
func (d *dispatcher) reporter(ctx context.Context) {
	for r := range d.reports {
		if err := d.sendReport(ctx, r); err != nil && ctx.Err() == nil {
			d.b.log.Warn("broadcast report failed", "broadcast", r.b.ID, "chat", r.b.ReportChat, "err", err)
		}
		d.mu.Lock()
		d.reporting--
		d.mu.Unlock()
		d.publish(0)
	}
}

// sendReport sends or edits the progress message, and sends the final report.
func (d *dispatcher) sendReport(ctx context.Context, r report) error {
	counts, err := d.b.db.DeliveryCounts(ctx, r.b.ID)
	if err != nil {
		return err
	}
	b := r.b
	b.Counts = counts
	if r.final {
		b.Status = store.BroadcastDone
	}
	if err := d.progress(ctx, r.a, txtProgress(b)); err != nil {
		return err
	}
	if !r.final {
		return nil
	}
	slot, err := d.paceNext(ctx, b.ReportChat)
	if err != nil {
		return err
	}
	_, err = d.b.send(ctx, b.ReportChat, txtReport(b), nil)
	d.answered(slot)
	return err
}

// progress shows text in the broadcast's progress message, sending it the
// first time and remembering its id so that a restart edits it too.
func (d *dispatcher) progress(ctx context.Context, a *active, text string) error {
	if a.progress == text {
		return nil
	}
	a.progress = text
	d.mu.Lock()
	msgID := a.b.ReportMessage
	d.mu.Unlock()
	if msgID != 0 {
		return d.b.edit(ctx, a.b.ReportChat, msgID, text, nil)
	}
	slot, err := d.paceNext(ctx, a.b.ReportChat)
	if err != nil {
		return err
	}
	id, err := d.b.send(ctx, a.b.ReportChat, text, nil)
	d.answered(slot)
	if err != nil {
		return err
	}
	d.mu.Lock()
	a.b.ReportMessage = id
	d.mu.Unlock()
	return d.b.db.SetReportMessage(ctx, a.b.ID, id)
}
