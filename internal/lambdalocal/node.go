package lambdalocal

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// nodeRuntimeJS is lambda-local's own runtime client for Node.js functions:
// it loads the handler named by _HANDLER and loops on the Lambda Runtime API
// like AWS's Node.js runtime does. See nodebootstrap/runtime.mjs.
//
//go:embed nodebootstrap/runtime.mjs
var nodeRuntimeJS []byte

// DefaultNode is the program that runs nodejs* functions, looked up on PATH.
const DefaultNode = "node"

// nodeRuntimeFile is the name the runtime client is written under.
const nodeRuntimeFile = "lambda-local-node-runtime.mjs"

// isNodeRuntime reports whether a Lambda runtime is a Node.js one
// (nodejs, nodejs20.x, nodejs22.x, ...).
func isNodeRuntime(runtime string) bool {
	return strings.HasPrefix(runtime, "nodejs")
}

// writeNodeRuntime writes the embedded runtime client into dir and returns
// its path.
func writeNodeRuntime(dir string) (string, error) {
	p := filepath.Join(dir, nodeRuntimeFile)
	if err := os.WriteFile(p, nodeRuntimeJS, 0o644); err != nil {
		return "", fmt.Errorf("write the Node.js runtime client to %s: %w", p, err)
	}
	return p, nil
}

// handlerCommand returns the program and arguments that run dep's code:
// node with lambda-local's runtime client for nodejs* runtimes (a bootstrap
// in the zip is ignored, as on AWS), else the executable findExecutable
// finds.
func (s *Server) handlerCommand(dep *deployment) (string, []string, error) {
	if !isNodeRuntime(dep.cfg.Runtime) {
		exe, err := findExecutable(dep.code.dir, dep.cfg)
		return exe, nil, err
	}
	node, err := exec.LookPath(s.cfg.Node)
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", nil, &entrypointError{fmt.Sprintf(
				"runtime %s needs the %q program, which lambda-local cannot find on its PATH: install Node.js, or start lambda-local with -node /path/to/node",
				dep.cfg.Runtime, s.cfg.Node)}
		}
		return "", nil, &entrypointError{fmt.Sprintf("runtime %s: cannot use the Node.js program %q: %v", dep.cfg.Runtime, s.cfg.Node, err)}
	}
	return node, []string{s.nodeRuntime}, nil
}

// missingProgram names the program a runtime lambda-local cannot run would
// need, for the error message ("" when unknown).
func missingProgram(runtime string) string {
	for prefix, program := range map[string]string{"java": "java", "python": "python3", "dotnet": "dotnet", "ruby": "ruby"} {
		if strings.HasPrefix(runtime, prefix) {
			return program
		}
	}
	return ""
}
