package httpapi

import (
	"fmt"
	"net/http"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/server/appservices"
	"github.com/lambda-apps/lambda-apps/server/failure"
	"github.com/lambda-apps/lambda-apps/server/httpjson"
)

// Subscriptions keeps apps' subscriptions to Mattermost events
// (subscriptions.Service).
type Subscriptions interface {
	Subscribe(c *appservices.Caller, sub apps.Subscription) error
	Unsubscribe(c *appservices.Caller, e apps.Event) error
	List(c *appservices.Caller) ([]apps.Subscription, error)
}

// maxSubscriptionSize bounds a subscribe request (a call with its expand
// and state).
const maxSubscriptionSize = 64 << 10

// subscribeRoutes registers POST|GET /subscribe and POST /unsubscribe.
func (a *api) subscribeRoutes(v1 prefixed) {
	subscribe := func(c *appservices.Caller, sub apps.Subscription) error { return a.Subscriptions.Subscribe(c, sub) }
	unsubscribe := func(c *appservices.Caller, sub apps.Subscription) error {
		return a.Subscriptions.Unsubscribe(c, sub.Event)
	}
	v1.Handle("/subscribe", a.appOnly(a.postSubscription(subscribe))).Methods(http.MethodPost)
	v1.Handle("/subscribe", a.appOnly(a.getSubscriptions)).Methods(http.MethodGet)
	v1.Handle("/unsubscribe", a.appOnly(a.postSubscription(unsubscribe))).Methods(http.MethodPost)
}

func (a *api) subscriptions(w http.ResponseWriter) bool {
	if a.Subscriptions == nil {
		httpjson.Failure(w, failure.New(failure.Unavailable, "subscriptions are not available"))
		return false
	}
	return true
}

func decodeSubscription(r *http.Request) (apps.Subscription, error) {
	var sub apps.Subscription
	if err := httpjson.DecodeBody(r, maxSubscriptionSize, &sub); err != nil {
		return sub, failure.New(failure.BadRequest, fmt.Sprintf("not a subscription (JSON with subject, channel_id or team_id, and call; at most %d KB): %v", maxSubscriptionSize>>10, err))
	}
	return sub, nil
}

// postSubscription handles POST /api/v1/subscribe ({"subject",
// "channel_id", "team_id", "call"}: do is Subscribe) and POST
// /api/v1/unsubscribe (the subscription's subject and scope; a call in the
// body is ignored: do is Unsubscribe).
func (a *api) postSubscription(do func(*appservices.Caller, apps.Subscription) error) appHandler {
	return func(w http.ResponseWriter, r *http.Request, c *appservices.Caller) {
		if !a.subscriptions(w) {
			return
		}
		sub, err := decodeSubscription(r)
		if err == nil {
			err = do(c, sub)
		}
		if err != nil {
			a.failure(w, r, err)
			return
		}
		httpjson.Write(w, http.StatusOK, map[string]any{})
	}
}

// getSubscriptions handles GET /api/v1/subscribe: the caller's
// subscriptions.
func (a *api) getSubscriptions(w http.ResponseWriter, r *http.Request, c *appservices.Caller) {
	if !a.subscriptions(w) {
		return
	}
	list, err := a.Subscriptions.List(c)
	if err != nil {
		a.failure(w, r, err)
		return
	}
	httpjson.Write(w, http.StatusOK, list)
}
