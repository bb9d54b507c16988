// Command compat-go is a Mattermost App written against the original Apps
// framework v1.2 with that framework's own Go driver
// (github.com/mattermost/mattermost-plugin-apps v1.2.2: the apps,
// apps/appclient and utils/httputils packages). It knows nothing about the
// Lambda Apps plugin: every request it makes to Mattermost (KV store,
// OAuth2 data, subscriptions, the REST API) is the driver's, built from the
// call context's mattermost_site_url. It is the proof that such apps run
// unchanged on Lambda Apps.
//
// It runs on AWS Lambda the way v1.2 apps did (the driver's awsapp
// package): an http.Handler behind aws-lambda-go-api-proxy, which turns the
// API Gateway-style event the plugin sends into an HTTP request.
//
// Build it for Lambda (runtime provided.al2023, executable "bootstrap"):
//
//	GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -tags lambda.norpc -o bootstrap .
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	lambda.Start(httpadapter.New(newApp(logger).handler()).ProxyWithContext)
}
