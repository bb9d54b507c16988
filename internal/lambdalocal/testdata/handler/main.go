// Command handler is the Lambda function the lambdalocal tests run. Its
// input selects a behaviour; see request.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// request selects what the handler does.
type request struct {
	// Action is one of echo (default), fail, panic, crash, sleep, wait,
	// touch, big, spawn.
	Action string `json:"action"`
	// Seconds is how long sleep sleeps.
	Seconds float64 `json:"seconds"`
	// Path is the file touch writes, or the file wait waits for.
	Path string `json:"path"`
	// Started, for wait, is a file written with the PID once running.
	Started string `json:"started"`
	// Size is the response size of big.
	Size int `json:"size"`
	// Log is printed to stderr before doing anything else.
	Log string `json:"log"`
}

// response reports what the handler saw.
type response struct {
	RequestID     string            `json:"request_id"`
	FunctionARN   string            `json:"function_arn"`
	DeadlineMS    int64             `json:"deadline_ms"`
	PID           int               `json:"pid"`
	CodeVersion   string            `json:"code_version"`
	Env           map[string]string `json:"env"`
	ClientContext map[string]string `json:"client_context,omitempty"`
	ChildPID      int               `json:"child_pid,omitempty"`
	Filler        string            `json:"filler,omitempty"`
}

// HandlerFailure is the error type of the fail action; Lambda reports it as
// errorType "HandlerFailure".
type HandlerFailure struct{ msg string }

func (e *HandlerFailure) Error() string { return e.msg }

// reportedEnv are the variables echoed back.
var reportedEnv = []string{
	"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
	"AWS_REGION", "_HANDLER", "LAMBDA_TASK_ROOT", "AWS_LAMBDA_RUNTIME_API",
}

func handle(ctx context.Context, req request) (*response, error) {
	if req.Log != "" {
		log.Print(req.Log)
	}
	resp := &response{PID: os.Getpid(), Env: map[string]string{}}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		resp.RequestID, resp.FunctionARN = lc.AwsRequestID, lc.InvokedFunctionArn
		resp.ClientContext = lc.ClientContext.Custom
	}
	if dl, ok := ctx.Deadline(); ok {
		resp.DeadlineMS = dl.UnixMilli()
	}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TEST_") {
			resp.Env[k] = v
		}
	}
	for _, k := range reportedEnv {
		resp.Env[k] = os.Getenv(k)
	}
	if v, err := os.ReadFile(filepath.Join(os.Getenv("LAMBDA_TASK_ROOT"), "version.txt")); err == nil {
		resp.CodeVersion = strings.TrimSpace(string(v))
	}

	switch req.Action {
	case "", "echo":
	case "fail":
		return nil, &HandlerFailure{msg: "asked to fail"}
	case "panic":
		panic("boom")
	case "crash":
		os.Exit(3)
	case "sleep":
		time.Sleep(time.Duration(req.Seconds * float64(time.Second)))
	case "wait":
		if err := os.WriteFile(req.Started, []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
			return nil, err
		}
		for end := time.Now().Add(60 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
			if _, err := os.Stat(req.Path); err == nil {
				return resp, nil
			}
		}
		return nil, fmt.Errorf("%s never appeared", req.Path)
	case "touch":
		if err := os.WriteFile(req.Path, []byte(resp.RequestID), 0o644); err != nil {
			return nil, err
		}
	case "big":
		resp.Filler = strings.Repeat("x", req.Size)
	case "spawn":
		cmd := exec.Command("sleep", "300")
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		resp.ChildPID = cmd.Process.Pid
	default:
		return nil, fmt.Errorf("unknown action %q", req.Action)
	}
	return resp, nil
}

func main() { lambda.Start(handle) }
