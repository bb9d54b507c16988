package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logLine is a line of `aws logs` for the sample app's function "hello":
// the event time, the function and the message (here a line the app
// writes with the log package on every call).
func logLine(message string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z hello ` + message)
}

// TestLogs deploys the sample app to lambda-local (with moto as its
// fallback, where lambda-local writes the functions' output to CloudWatch
// Logs), runs it and reads its output with `appsctl aws logs`.
func TestLogs(t *testing.T) {
	s := newGo1xStack(t)
	path, _ := legacyHelloBundle(t, nil)
	require.Equal(t, exitOK, runCLI(t, s.env, "aws", "deploy", path).code)

	t.Run("a function that has not run yet is noted, not an error", func(t *testing.T) {
		res := runCLI(t, s.env, "aws", "logs", "--app", helloApp)
		require.Equal(t, exitOK, res.code)
		assert.Contains(t, res.out, "No logs yet for function hello (log group /aws/lambda/"+helloLambda+" does not exist")
	})

	t.Run("wrong app, version or function", func(t *testing.T) {
		res := runCLI(t, s.env, "aws", "logs", "--app", "nope")
		assert.Equal(t, exitFailure, res.code)
		assert.Contains(t, res.errOut, `bucket `+testBucket+` has no manifest of app "nope"`)
		res = runCLI(t, s.env, "aws", "logs", "--app", helloApp, "--version", "9.9.9")
		assert.Equal(t, exitFailure, res.code)
		assert.Contains(t, res.errOut, `has no manifest of app "hello-lambda" version 9.9.9`)
		res = runCLI(t, s.env, "aws", "logs", "--app", helloApp, "--function", "nope")
		assert.Equal(t, exitFailure, res.code)
		assert.Contains(t, res.errOut, `app "hello-lambda" has no function "nope": its functions are hello`)
		res = runCLI(t, s.env, "aws", "logs", "--app", helloApp, "--since", "soon")
		assert.Equal(t, exitUsage, res.code)
	})

	s.assertRuns(t) // pings and greets: two invocations
	greet := logLine(`\d{4}/\d\d/\d\d \d\d:\d\d:\d\d call /greet from user`)

	t.Run("prints the function's output with START, END and REPORT", func(t *testing.T) {
		var res result
		deadline := time.Now().Add(30 * time.Second)
		for {
			res = runCLI(t, s.env, "aws", "logs", "--app", helloApp, "--since", "10m", "--function", "hello")
			require.Equal(t, exitOK, res.code)
			if greet.MatchString(res.out) || time.Now().After(deadline) {
				break
			}
			time.Sleep(300 * time.Millisecond)
		}
		assert.Regexp(t, greet, res.out)
		assert.Regexp(t, logLine(`\S+ \S+ call /ping from user`), res.out)
		assert.Regexp(t, logLine(`START RequestId: [0-9a-f-]{36} Version: \$LATEST$`), res.out)
		assert.Regexp(t, logLine(`END RequestId: [0-9a-f-]{36}$`), res.out)
		assert.Regexp(t, logLine(`REPORT RequestId: [0-9a-f-]{36}\tDuration: `), res.out)
		assert.Less(t, strings.Index(res.out, "call /ping"), strings.Index(res.out, "call /greet"), "merged by time")
		assert.NotContains(t, res.out, "No logs yet")
	})

	t.Run("--follow prints new events once and stops on Ctrl-C", func(t *testing.T) {
		var out, errOut lockedBuffer
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, []string{"aws", "logs", "--app", helloApp, "--since", "10m", "--follow"}, streams{
				out: &out, errOut: &errOut, getenv: func(k string) string { return s.env[k] },
			})
		}()
		waitForOutput(t, &out, "the earlier greeting", func(s string) bool { return len(greet.FindAllString(s, -1)) == 1 })
		assert.Equal(t, "Hello, Grace!", s.greet(t, "Grace"))
		waitForOutput(t, &out, "the new greeting", func(s string) bool { return len(greet.FindAllString(s, -1)) >= 2 })
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, exitOK, code, "stderr: %s", errOut.String())
		case <-time.After(30 * time.Second):
			t.Fatal("aws logs --follow did not stop when interrupted")
		}
		got := out.String()
		t.Logf("aws logs --follow printed:\n%s", got)
		assert.Len(t, greet.FindAllString(got, -1), 2, "each event once")
		assert.Len(t, logLine(`\S+ \S+ call /ping from user`).FindAllString(got, -1), 1, "each event once")
	})
}

// waitForOutput polls the output until cond holds, failing after 60
// seconds (a follow poll is every 2 seconds).
func waitForOutput(t *testing.T, out *lockedBuffer, what string, cond func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond(out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s; output so far:\n%s", what, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
