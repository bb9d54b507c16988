package plugin

import (
	"context"
	"time"
)

// startBackground syncs the catalog once now and then periodically (the
// System Console interval; 0 = only on demand). Sync problems are logged
// and shown in the status; they never stop the loop.
func (p *Plugin) startBackground() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	p.mu.Lock()
	p.stop, p.done = cancel, done
	p.mu.Unlock()
	go p.sweepTokens(ctx)
	go func() {
		defer close(done)
		p.syncOnce(ctx)
		p.appCommands.SyncAll(ctx) // commands are per node: register them here too
		for {
			interval := p.env.Config().CatalogRefresh
			if interval <= 0 {
				<-ctx.Done()
				return
			}
			t := time.NewTimer(interval)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
				p.syncOnce(ctx)
			}
		}
	}()
}

func (p *Plugin) syncOnce(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	_, _ = p.catalog.Refresh(ctx) // Refresh logs and records the outcome
}

func (p *Plugin) stopBackground() {
	p.mu.Lock()
	stop, done := p.stop, p.done
	p.stop, p.done = nil, nil
	p.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

func (p *Plugin) restartBackground() {
	p.stopBackground()
	p.startBackground()
}

// tokenSweepInterval is how often the recorded app tokens are checked for
// ones whose lifetime is over and that no node's timer revoked (the node
// restarted or left the cluster).
const tokenSweepInterval = time.Minute

func (p *Plugin) sweepTokens(ctx context.Context) {
	t := time.NewTicker(tokenSweepInterval)
	defer t.Stop()
	for {
		if err := p.tokens.Sweep(); err != nil {
			p.client.Log.Warn("Could not check the app tokens for expired ones", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
