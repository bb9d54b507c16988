// Command lambda-local is a local AWS Lambda service for development and
// tests: it runs handler binaries built with github.com/aws/aws-lambda-go
// (provided.al2023, provided.al2, go1.x) and Node.js handlers (nodejs*, with
// the node found on PATH, see -node) through the Lambda Runtime API,
// serves the Invoke API and the deploy calls of the control plane, and
// proxies everything else to a fallback such as moto.
//
//	lambda-local -listen 127.0.0.1:9001 -functions ./functions -fallback http://127.0.0.1:5000
//
// Point the AWS SDK or CLI at it with AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:9001.
// Functions come from the -functions folder, from CreateFunction /
// UpdateFunctionCode calls (also forwarded to the fallback, whose answers are
// returned), or from the test control endpoint:
//
//	curl -X PUT --data-binary @fn.zip 'http://127.0.0.1:9001/local/functions/NAME?timeout=5&env=KEY=VALUE'
//
// GET /local/health answers "ok" once the server is up. SIGINT or SIGTERM
// stop it; every handler process (and what it started) is killed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/lambda-apps/lambda-apps/internal/lambdalocal"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "lambda-local:", err)
		os.Exit(1)
	}
}

// run parses the flags and serves until SIGINT or SIGTERM.
func run(args []string) error {
	fs := flag.NewFlagSet("lambda-local", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:9001", "`address` to serve the Lambda API on")
	functions := fs.String("functions", "", "`dir`ectory of <function-name>.zip files (optional <function-name>.json configuration) to deploy at start")
	fallback := fs.String("fallback", "", "base `URL` (e.g. moto's http://127.0.0.1:5000) to forward deploy calls and proxy every other request to, and whose CloudWatch Logs get the functions' output")
	s3 := fs.String("s3", "", "S3 endpoint `URL` to fetch code given as S3Bucket/S3Key from (default: the fallback)")
	timeout := fs.Duration("timeout", lambdalocal.DefaultTimeout, "invocation timeout of functions that do not configure one")
	concurrency := fs.Int("concurrency", lambdalocal.DefaultConcurrency, "default per-function concurrency limit (invocations beyond it get 429 TooManyRequestsException)")
	data := fs.String("data", "", "`dir`ectory to extract deployed code into (default: the system temp dir); each run uses and removes its own sub-directory")
	region := fs.String("region", lambdalocal.DefaultRegion, "AWS region of made-up ARNs and of the handlers' AWS_REGION")
	node := fs.String("node", lambdalocal.DefaultNode, "`program` that runs nodejs* functions (a name looked up on PATH, or a path)")
	logJSON := fs.Bool("log-json", false, "log JSON instead of text")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	var handler slog.Handler = slog.NewTextHandler(os.Stderr, nil)
	if *logJSON {
		handler = slog.NewJSONHandler(os.Stderr, nil)
	}
	logger := slog.New(handler)

	srv, err := lambdalocal.New(lambdalocal.Config{
		FunctionsDir:   *functions,
		DataDir:        *data,
		Fallback:       *fallback,
		S3Endpoint:     *s3,
		DefaultTimeout: *timeout,
		Concurrency:    *concurrency,
		Region:         *region,
		Logger:         logger,
		Node:           *node,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen: %w", errors.Join(err, srv.Close()))
	}
	logger.Info("lambda-local listening", "url", "http://"+ln.Addr().String(), "functions", srv.FunctionNames(), "fallback", *fallback)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return srv.Serve(ctx, ln)
}
