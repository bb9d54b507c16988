// Command hello is a sample Mattermost App that runs as an AWS Lambda
// function. The Lambda Apps plugin invokes it with an API Gateway v1-style
// event whose body is the CallRequest JSON, and expects an API Gateway
// response whose body is the CallResponse JSON. The call protocol types
// (CallRequest, CallResponse, Binding, Form...) come from the apps package.
//
// Build it for Lambda (runtime provided.al2023, executable "bootstrap"):
//
//	GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -tags lambda.norpc -o bootstrap .
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"net/http"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/lambda-apps/lambda-apps/apps"
)

// Event is the invocation payload the plugin sends.
type Event struct {
	Path            string            `json:"path"`
	HTTPMethod      string            `json:"httpMethod"`
	Headers         map[string]string `json:"headers"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded,omitempty"`
}

// Response is the invocation result the plugin expects.
type Response struct {
	StatusCode      int               `json:"statusCode"`
	Headers         map[string]string `json:"headers"`
	Body            string            `json:"body"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
}

// route answers one call path.
type route func(ctx context.Context, req request) apps.CallResponse

// routes maps call paths to their handlers.
var routes = map[string]route{
	"/ping":                ping,
	"/bindings":            bindings,
	"/install":             install,
	"/greet":               greet,
	"/survey/form":         surveyForm,
	"/survey/submit":       surveySubmit,
	"/echo":                echo,
	"/pick":                pick,
	"/topics":              lookupTopics,
	"/webhook-url":         webhookURL,
	"/webhook/notify":      notifyWebhook,
	"/oauth2/configure":    oauth2Configure,
	"/oauth2/connect":      oauth2Connect,
	"/oauth2/complete":     oauth2Complete,
	"/oauth2/me":           oauth2Me,
	"/alert":               postAlert,
	"/alert/ack":           ackAlert,
	"/alert/snooze":        snoozeForm,
	"/alert/snooze/submit": snoozeSubmit,
	"/alert/severity":      setSeverity,
	"/fail":                fail,
	"/crash":               crash,
	"/slow":                slow,
}

// handle is the Lambda handler.
func handle(ctx context.Context, ev Event) (Response, error) {
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		decoded, err := base64.StdEncoding.DecodeString(ev.Body)
		if err != nil {
			return reply(http.StatusBadRequest, errorResponse("the body is not valid base64: %v", err)), nil
		}
		body = decoded
	}
	req, err := decodeRequest(body)
	if err != nil {
		return reply(http.StatusBadRequest, errorResponse("the body is not a CallRequest: %v", err)), nil
	}
	path := ev.Path
	if path == "" {
		path = req.Path
	}
	r, ok := routes[path]
	if !ok {
		return reply(http.StatusNotFound, errorResponse("%s is not a path of this app", path)), nil
	}
	log.Printf("call %s from user %q at %q", path, req.Context.UserID, req.Context.Location)
	return reply(http.StatusOK, r(ctx, req)), nil
}

// reply wraps a CallResponse into the Lambda response.
func reply(status int, resp apps.CallResponse) Response {
	body, err := json.Marshal(resp)
	if err != nil { // cannot happen: the response holds only JSON-safe values
		status, body = http.StatusInternalServerError, []byte(`{"type":"error","text":"encoding the response failed"}`)
	}
	return Response{StatusCode: status, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(body)}
}

// errorResponse is an error CallResponse.
func errorResponse(format string, args ...any) apps.CallResponse {
	return apps.CallResponse{Type: apps.CallResponseTypeError, Text: fmt.Sprintf(format, args...)}
}

func main() { lambda.Start(handle) }
