package dialog

import (
	"errors"
	"testing"
	"time"
)

// FuzzOpen: Open never panics on any state a client sends, accepts only
// what Seal produced for that user, and refuses every change to it.
func FuzzOpen(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	s := testSealer(&now)
	valid, err := s.Seal("u1", formState())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid, "u1", 0, byte('x'))
	f.Add(`{"k":"form","a":"hello","c":{"path":"/webhook/notify"}}`, "u1", 3, byte('.'))
	f.Add("v1..", "u1", 1, byte('A'))
	f.Add(valid[:len(valid)-3], "u2", 10, byte('='))
	f.Fuzz(func(t *testing.T, raw, user string, at int, b byte) {
		if st, err := s.Open(user, raw); err == nil {
			again, err := s.Seal(user, st)
			if err != nil {
				t.Fatalf("an opened state cannot be sealed again: %v", err)
			}
			if _, err := s.Open(user, again); err != nil {
				t.Fatalf("a state sealed again does not open: %v", err)
			}
		} else if !errors.Is(err, ErrBadState) && !errors.Is(err, ErrOtherUser) && !errors.Is(err, ErrExpiredState) {
			t.Fatalf("unexpected error kind: %v", err)
		}
		// Any change to a genuine sealed state is refused.
		if len(valid) == 0 {
			return
		}
		i := at % len(valid)
		if i < 0 {
			i = -i
		}
		changed := valid[:i] + string(b) + valid[i+1:]
		if changed == valid {
			return
		}
		if _, err := s.Open("u1", changed); err == nil {
			t.Fatalf("a changed state opened: %q", changed)
		}
	})
}
