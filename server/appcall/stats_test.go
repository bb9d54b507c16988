package appcall

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/lambdainvoke"
)

type statsLine struct{ app, path, outcome string }

type fakeRecorder struct{ lines []statsLine }

func (r *fakeRecorder) Record(appID apps.AppID, path, outcome string, took time.Duration) {
	if took < 0 {
		panic("negative duration")
	}
	r.lines = append(r.lines, statsLine{string(appID), path, outcome})
}

// Every invocation is counted once with its outcome, whichever entry point
// made it; a call refused before the app is invoked is not a call of the app.
func TestEveryInvocationIsRecordedOnce(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		err    error
		call   func(s *Service) error
		want   []statsLine
	}{
		{"user call ok", `{"type":"ok"}`, nil, func(s *Service) error {
			_, err := s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: "/greet"}, Context: apps.Context{AppID: "hello.app"}})
			return err
		}, []statsLine{{"hello.app", "/greet", OutcomeOK}}},
		{"app error answer", `{"type":"error","text":"no"}`, nil, func(s *Service) error {
			_, err := s.Call(context.Background(), testApp(), &apps.CallRequest{Call: apps.Call{Path: "/install"}}, "admin")
			return err
		}, []statsLine{{"hello.app", "/install", OutcomeAppError}}},
		{"background call times out", "", lambdainvoke.ErrTimeout, func(s *Service) error {
			_, err := s.BackgroundCall(context.Background(), testApp(), &apps.CallRequest{Call: apps.Call{Path: "/bindings"}}, "admin")
			return err
		}, []statsLine{{"hello.app", "/bindings", OutcomeTimeout}}},
		{"webhook event", "", nil, func(s *Service) error {
			return s.Notify(context.Background(), testApp(), &apps.CallRequest{Call: apps.Call{Path: "/webhook/x"}}, "")
		}, []statsLine{{"hello.app", "/webhook/x", OutcomeOK}}},
		{"webhook event throttled", "", lambdainvoke.ErrThrottled, func(s *Service) error {
			return s.Notify(context.Background(), testApp(), &apps.CallRequest{Call: apps.Call{Path: "/webhook/x"}}, "")
		}, []statsLine{{"hello.app", "/webhook/x", OutcomeThrottled}}},
		{"webhook event fails", "", errors.New("connection refused"), func(s *Service) error {
			return s.Notify(context.Background(), testApp(), &apps.CallRequest{Call: apps.Call{Path: "/webhook/x"}}, "")
		}, []statsLine{{"hello.app", "/webhook/x", OutcomeFailed}}},
		{"refused before the invocation", `{}`, nil, func(s *Service) error {
			_, err := s.UserCall(context.Background(), "u", &apps.CallRequest{Call: apps.Call{Path: "/greet"}, Context: apps.Context{AppID: "off.app"}})
			return err
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &fakeRecorder{}
			s := newTestService(t, &fakeInvoker{answer: tt.answer, err: tt.err}, nil)
			s.Stats = rec
			err := tt.call(s)
			if tt.err == nil && tt.want != nil {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want, rec.lines)
		})
	}
}
