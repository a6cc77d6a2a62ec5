// Command loaphuong runs Loa Phường, the ward loudspeaker on Telegram, and
// the operator's commands around it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // calendars are in Asia/Ho_Chi_Minh, even on a bare machine
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "loaphuong:", err)
	}
	os.Exit(ExitCode(err))
}
