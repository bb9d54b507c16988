package awslogs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/lambda-apps/lambda-apps/appsctl/awsaccount"
	"github.com/lambda-apps/lambda-apps/aws/awsclient"
)

// API is the part of the CloudWatch Logs client used.
type API = cloudwatchlogs.FilterLogEventsAPIClient

// EnvEndpoint overrides the CloudWatch Logs endpoint (the SDK's standard
// variable); without it AWS_ENDPOINT_URL applies.
const EnvEndpoint = "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"

// Permission is the IAM action reading logs needs.
const Permission = "logs:FilterLogEvents"

// NewClient returns a CloudWatch Logs client made like the other appsctl
// clients, at endpoint, or at the default endpoint override when endpoint
// is empty, or at AWS.
func NewClient(c *awsclient.Clients, endpoint string) *cloudwatchlogs.Client {
	if endpoint == "" {
		endpoint = c.Endpoints.Default
	}
	return cloudwatchlogs.NewFromConfig(c.Config, func(o *cloudwatchlogs.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}

// Event is one log event of one function.
type Event struct {
	Time    time.Time
	ID      string
	Source  *Source
	Message string
}

// errNoLogGroup says that a function has not logged yet.
var errNoLogGroup = errors.New("no log group")

// AccessError says that the key may not read a log group.
type AccessError struct {
	LogGroup string
	Region   string
	Err      error
}

func (e *AccessError) Error() string {
	return fmt.Sprintf("AWS denied %s on log group %s (%s): allow %s on arn:aws:logs:%s:<account>:log-group:%s* "+
		"in the IAM policy of the key appsctl uses (see \"Function logs\" in the README)",
		Permission, e.LogGroup, awsaccount.Message(e.Err), Permission, e.Region, LogGroupPrefix)
}

func (e *AccessError) Unwrap() error { return e.Err }

// ThrottledError says that CloudWatch Logs refused the request rate, after
// the SDK's retries.
type ThrottledError struct {
	LogGroup string
	Err      error
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("CloudWatch Logs throttled %s on log group %s (%s): the account's request rate for it is used up "+
		"(other readers of the logs count too); wait a minute and run again with fewer functions (--function) or a "+
		"later --since, or ask for a higher FilterLogEvents quota in Service Quotas", Permission, e.LogGroup, awsaccount.Code(e.Err))
}

func (e *ThrottledError) Unwrap() error { return e.Err }

// throttleCodes are the error codes of refused request rates.
var throttleCodes = map[string]bool{
	"ThrottlingException": true, "Throttling": true, "TooManyRequestsException": true, "RequestLimitExceeded": true,
}

// classify turns a FilterLogEvents error into one of this package's.
func classify(err error, src *Source, region string) error {
	switch {
	case awsaccount.Code(err) == "ResourceNotFoundException":
		return errNoLogGroup
	case awsaccount.IsAccessDenied(err):
		return &AccessError{LogGroup: src.LogGroup(), Region: region, Err: err}
	case throttleCodes[awsaccount.Code(err)]:
		return &ThrottledError{LogGroup: src.LogGroup(), Err: err}
	}
	return fmt.Errorf("read log group %s with %s: %w", src.LogGroup(), Permission, err)
}

// fetch reads the events of src from start on, following every page, up
// to limit events. truncated reports that more were left.
func fetch(ctx context.Context, api API, src *Source, region string, start time.Time, limit int) (events []Event, truncated bool, err error) {
	pages := cloudwatchlogs.NewFilterLogEventsPaginator(api, &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String(src.LogGroup()),
		StartTime:    aws.Int64(start.UnixMilli()),
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return events, false, classify(err, src, region)
		}
		for _, ev := range page.Events {
			if len(events) >= limit {
				return events, true, nil
			}
			ts := aws.ToInt64(ev.Timestamp)
			id := aws.ToString(ev.EventId)
			if id == "" { // AWS always sets it; make one for other servers
				id = aws.ToString(ev.LogStreamName) + "/" + strconv.FormatInt(ts, 10) + "/" + aws.ToString(ev.Message)
			}
			events = append(events, Event{Time: time.UnixMilli(ts).UTC(), ID: id, Source: src, Message: aws.ToString(ev.Message)})
		}
	}
	return events, false, nil
}
