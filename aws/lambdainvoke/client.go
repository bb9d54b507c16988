package lambdainvoke

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
)

// Errors a call can wrap.
var (
	ErrNotDeployed     = errors.New("function not deployed")
	ErrThrottled       = errors.New("throttled by Lambda")
	ErrPayloadTooLarge = errors.New("payload too large")
	ErrTimeout         = errors.New("the app did not answer in time")
	ErrAccessDenied    = errors.New("not allowed to invoke the function")
)

// FunctionError is reported when the function itself failed (Lambda's
// X-Amz-Function-Error): an unhandled exception, a crash or a timeout.
type FunctionError struct {
	Function string
	Kind     string // "Unhandled" or "Handled"
	Type     string // errorType
	Message  string // errorMessage
}

func (e *FunctionError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "no error message"
	}
	if e.Type != "" {
		return fmt.Sprintf("function %s failed: %s: %s", e.Function, e.Type, msg)
	}
	return fmt.Sprintf("function %s failed: %s", e.Function, msg)
}

// API is the part of the Lambda client used.
type API interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, optFns ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// Retry configures retries of throttled calls: exponential backoff with
// full jitter, never past the call's deadline.
type Retry struct {
	MaxAttempts int
	Base        time.Duration
	Max         time.Duration
}

// DefaultRetry is used when Options.Retry is zero.
var DefaultRetry = Retry{MaxAttempts: 4, Base: 100 * time.Millisecond, Max: 2 * time.Second}

// Client invokes functions.
type Client struct {
	api   API
	retry Retry
	sleep func(ctx context.Context, d time.Duration) error
}

// Options configure a Client.
type Options struct {
	Retry Retry
	// Sleep replaces the backoff wait (tests).
	Sleep func(ctx context.Context, d time.Duration) error
}

// New returns a Client. Build api with ClientOptions so that responses are
// read with a limit and the SDK does not retry on its own.
func New(api API, o Options) *Client {
	if o.Retry.MaxAttempts <= 0 {
		o.Retry = DefaultRetry
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	return &Client{api: api, retry: o.Retry, sleep: o.Sleep}
}

// ClientOptions configures a lambda.Client for this package: retries are
// done here (only for throttling: an Invoke is not idempotent) and response
// bodies are read with a limit.
func ClientOptions(o *lambda.Options) {
	o.RetryMaxAttempts = 1
	inner := o.HTTPClient
	if inner == nil {
		inner = http.DefaultClient
	}
	o.HTTPClient = limitedHTTPClient{inner: inner, limit: MaxResponsePayload}
}

// Call invokes function synchronously with the event for path and returns
// the response body (the CallResponse JSON).
func (c *Client) Call(ctx context.Context, function, path string, callRequest []byte) ([]byte, error) {
	payload, err := EncodeEvent(path, callRequest)
	if err != nil {
		return nil, err
	}
	if len(payload) > MaxSyncPayload {
		return nil, fmt.Errorf("%w: the call is %d bytes, Lambda accepts at most %d for a synchronous call", ErrPayloadTooLarge, len(payload), MaxSyncPayload)
	}
	out, err := c.invoke(ctx, function, types.InvocationTypeRequestResponse, payload)
	if err != nil {
		return nil, err
	}
	if out.FunctionError != nil {
		return nil, functionError(function, aws.ToString(out.FunctionError), out.Payload)
	}
	body, err := DecodeResponse(out.Payload)
	if err != nil {
		return nil, fmt.Errorf("function %s: %w", function, err)
	}
	return body, nil
}

// Notify invokes function asynchronously (invocation type Event).
func (c *Client) Notify(ctx context.Context, function, path string, callRequest []byte) error {
	payload, err := EncodeEvent(path, callRequest)
	if err != nil {
		return err
	}
	if len(payload) > MaxEventPayload {
		return fmt.Errorf("%w: the notification is %d bytes, Lambda accepts at most %d for an asynchronous call", ErrPayloadTooLarge, len(payload), MaxEventPayload)
	}
	_, err = c.invoke(ctx, function, types.InvocationTypeEvent, payload)
	return err
}

func (c *Client) invoke(ctx context.Context, function string, typ types.InvocationType, payload []byte) (*lambda.InvokeOutput, error) {
	in := &lambda.InvokeInput{FunctionName: aws.String(function), InvocationType: typ, Payload: payload}
	for attempt := 1; ; attempt++ {
		out, err := c.api.Invoke(ctx, in)
		if err == nil {
			return out, nil
		}
		err = classify(ctx, function, err)
		if !errors.Is(err, ErrThrottled) || attempt >= c.retry.MaxAttempts {
			return nil, err
		}
		if serr := c.sleep(ctx, c.backoff(attempt)); serr != nil {
			return nil, fmt.Errorf("%w (gave up waiting to retry: %w)", err, serr)
		}
	}
}

func (c *Client) backoff(attempt int) time.Duration {
	d := c.retry.Base << (attempt - 1)
	if d > c.retry.Max || d <= 0 {
		d = c.retry.Max
	}
	return time.Duration(rand.Int64N(int64(d) + 1)) // full jitter
}

func classify(ctx context.Context, function string, err error) error {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		if errors.Is(ctx.Err(), context.Canceled) {
			return fmt.Errorf("call to %s canceled: %w", function, ctx.Err())
		}
		return fmt.Errorf("%w: function %s did not answer before the call timeout", ErrTimeout, function)
	}
	var notFound *types.ResourceNotFoundException
	var tooMany *types.TooManyRequestsException
	var tooLarge *types.RequestTooLargeException
	var apiErr smithy.APIError
	code := ""
	if errors.As(err, &apiErr) {
		code = apiErr.ErrorCode()
	}
	switch {
	case errors.As(err, &notFound) || code == "ResourceNotFoundException":
		return fmt.Errorf("%w: Lambda function %s does not exist; deploy the app with `appsctl aws deploy` (or check MM_APPS_AWS_REGION)", ErrNotDeployed, function)
	case errors.As(err, &tooMany) || code == "TooManyRequestsException" || code == "ThrottlingException":
		return fmt.Errorf("%w (function %s): %s", ErrThrottled, function, apiMessage(err))
	case errors.As(err, &tooLarge) || code == "RequestTooLargeException":
		return fmt.Errorf("%w: Lambda refused the request to %s: %s", ErrPayloadTooLarge, function, apiMessage(err))
	case code == "AccessDeniedException" || code == "AccessDenied" || code == "UnrecognizedClientException" || code == "InvalidSignatureException":
		return fmt.Errorf("%w: %s (%s); run `appsctl aws deploy` again so the invoke policy lists this function, and check MM_APPS_AWS_ACCESS_KEY", ErrAccessDenied, function, code)
	case errors.Is(err, errResponseTooLarge):
		return fmt.Errorf("function %s: the answer is larger than %d bytes", function, MaxResponsePayload)
	}
	return fmt.Errorf("invoke %s: %w", function, err)
}

func apiMessage(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorMessage() != "" {
		return apiErr.ErrorMessage()
	}
	return err.Error()
}

func functionError(function, kind string, payload []byte) error {
	var p struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}
	fe := &FunctionError{Function: function, Kind: kind}
	if json.Unmarshal(payload, &p) == nil {
		fe.Type, fe.Message = p.ErrorType, Excerpt([]byte(p.ErrorMessage))
	} else {
		fe.Message = Excerpt(payload)
	}
	return fe
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

var errResponseTooLarge = errors.New("response too large")

// limitedHTTPClient fails reading a response body past limit bytes, so a
// misbehaving endpoint cannot exhaust memory.
type limitedHTTPClient struct {
	inner interface {
		Do(*http.Request) (*http.Response, error)
	}
	limit int64
}

func (c limitedHTTPClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.inner.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > c.limit {
		resp.Body.Close()
		return nil, errResponseTooLarge
	}
	resp.Body = &limitedBody{rc: resp.Body, left: c.limit}
	return resp, nil
}

type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, errResponseTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
