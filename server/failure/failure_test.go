package failure

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

var (
	errGone   = New(NotFound, "app is not installed")
	errDenied = New(Forbidden, "forbidden")
)

func TestKindStatusAndMessage(t *testing.T) {
	sdk := errors.New("operation error Lambda: Invoke, https response error StatusCode: 403, AccessDeniedException: User arn:aws:iam::123:user/x is not authorized to perform lambda:InvokeFunction on hello_0-1-0_main")
	tests := []struct {
		name    string
		err     error
		status  int
		message string
	}{
		{"sentinel", errGone, http.StatusNotFound, "app is not installed"},
		{"wrapped sentinel", fmt.Errorf("%w: hello", errGone), http.StatusNotFound, "app is not installed: hello"},
		{"hidden cause", Hide(Upstream, "the app hello failed: access denied", sdk), http.StatusBadGateway, "the app hello failed: access denied"},
		{"hidden cause, wrapped", fmt.Errorf("calling: %w", Hide(Throttled, "busy", sdk)), http.StatusTooManyRequests, "busy"},
		{"outermost classification wins", Hide(BadRequest, "bad", errDenied), http.StatusBadRequest, "bad"},
		{"sentinel over a hidden cause", fmt.Errorf("%w: %w", errDenied, Hide(Upstream, "x", sdk)), http.StatusForbidden, "x"},
		{"two wrapped", fmt.Errorf("%w: %w", errors.New("plain"), errGone), http.StatusNotFound, "plain: app is not installed"},
		{"unclassified", errors.New("the app answered no items"), http.StatusInternalServerError, "the app answered no items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.status, Status(tt.err))
			assert.Equal(t, tt.message, Message(tt.err))
			assert.NotContains(t, Message(tt.err), "arn:aws", "causes are never shown")
		})
	}
	assert.ErrorIs(t, Hide(Upstream, "x", errGone), errGone, "the chain is kept for errors.Is")
	assert.Contains(t, Hide(Upstream, "x", sdk).Error(), "AccessDenied", "the log sees the cause")
	assert.Empty(t, Message(nil))
}
