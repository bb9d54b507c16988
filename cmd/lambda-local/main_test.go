package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRunRejectsBadArguments(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"stray argument", []string{"extra"}, "unexpected arguments"},
		{"unknown flag", []string{"-nope"}, "flag provided but not defined"},
		{"fallback without scheme", []string{"-fallback", "127.0.0.1:5000"}, "want an absolute http(s) URL"},
		{"missing functions dir", []string{"-functions", "/nonexistent/lambda-local-test", "-data", "DATA"}, "functions dir"},
		{"unusable listen address", []string{"-listen", "256.0.0.1:1", "-data", "DATA"}, "listen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			for i, a := range args {
				if a == "DATA" {
					args[i] = t.TempDir()
				}
			}
			err := run(args)
			if assert.Error(t, err) {
				assert.Contains(t, err.Error(), tt.wantErr)
			}
		})
	}
}
