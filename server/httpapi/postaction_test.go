package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/server/failure"
)

type postActionsFunc func(ctx context.Context, userID string, req *model.PostActionIntegrationRequest) (*model.PostActionIntegrationResponse, error)

func (f postActionsFunc) HandleAction(ctx context.Context, userID string, req *model.PostActionIntegrationRequest) (*model.PostActionIntegrationResponse, error) {
	return f(ctx, userID, req)
}

func TestPostAction(t *testing.T) {
	var gotUser string
	var gotReq *model.PostActionIntegrationRequest
	handler := postActionsFunc(func(_ context.Context, userID string, req *model.PostActionIntegrationRequest) (*model.PostActionIntegrationResponse, error) {
		gotUser, gotReq = userID, req
		switch req.PostId {
		case "forged":
			return nil, fmt.Errorf("%w: signature", failure.New(failure.Forbidden, "this is not a click on a Lambda Apps button"))
		case "update":
			return &model.PostActionIntegrationResponse{Update: &model.Post{Id: "update", Message: "new"}}, nil
		}
		return &model.PostActionIntegrationResponse{}, nil
	})
	tests := []struct {
		name     string
		actions  PostActions
		user     string
		body     string
		wantCode int
		want     string
	}{
		{"a click", handler, "u1", `{"post_id":"p1","trigger_id":"t","context":{"lambda_apps_action":"x"}}`, http.StatusOK, `"ephemeral_text":""`},
		{"an update", handler, "u1", `{"post_id":"update"}`, http.StatusOK, `"message":"new"`},
		{"refused", handler, "u1", `{"post_id":"forged"}`, http.StatusForbidden, "not a click on a Lambda Apps button"},
		{"not JSON", handler, "u1", `{`, http.StatusBadRequest, "not an interactive message action"},
		{"anonymous", handler, "", `{"post_id":"p1"}`, http.StatusUnauthorized, "not authenticated"},
		{"no service", nil, "u1", `{"post_id":"p1"}`, http.StatusServiceUnavailable, "not available"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gotUser, gotReq = "", nil
			r := NewRouter(Deps{PostActions: tc.actions, Log: &nopLogger{}})
			req := httptest.NewRequest(http.MethodPost, "/api/v1/post-action", strings.NewReader(tc.body))
			if tc.user != "" {
				req.Header.Set(UserIDHeader, tc.user)
			}
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			assert.Equal(t, tc.wantCode, w.Code, w.Body.String())
			assert.Contains(t, w.Body.String(), tc.want)
			assert.True(t, json.Valid(w.Body.Bytes()))
			if tc.wantCode == http.StatusOK {
				assert.Equal(t, tc.user, gotUser, "the acting user is the server's Mattermost-User-Id")
				require.NotNil(t, gotReq)
			}
		})
	}
}
