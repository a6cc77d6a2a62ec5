package telegramtest

import (
	"encoding/json"
	"net/http"
)

// BotCommand is one entry of the bot's command menu.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// commandsKey identifies a command list by scope and language; the default scope is the
// same however it is written (absent, or {"type":"default"}).
func commandsKey(c *call) string {
	scope := "default"
	if raw := c.p.Get("scope"); raw != "" {
		var v map[string]any
		if json.Unmarshal([]byte(raw), &v) == nil && v["type"] != "default" {
			b, _ := json.Marshal(v) // sorted keys: one spelling per scope
			scope = string(b)
		}
	}
	return scope + "|" + c.p.Get("language_code")
}

// validCommand is Telegram's rule: 1-32 lower-case letters, digits and underscores.
func validCommand(cmd string) bool {
	if len(cmd) == 0 || len(cmd) > 32 {
		return false
	}
	for i := 0; i < len(cmd); i++ {
		if c := cmd[i]; !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// setMyCommands replaces the command list of a scope and language.
func (s *Server) setMyCommands(c *call) answer {
	var cmds []BotCommand
	if json.Unmarshal([]byte(c.p.Get("commands")), &cmds) != nil {
		return failure(http.StatusBadRequest, descBadCommands)
	}
	for _, cmd := range cmds {
		if !validCommand(cmd.Command) {
			return failure(http.StatusBadRequest, descBadCommand)
		}
		if n := utf16Len(cmd.Description); n == 0 || n > 256 {
			return failure(http.StatusBadRequest, descBadCommandDesc)
		}
	}
	s.cmdMu.Lock()
	s.commands[commandsKey(c)] = cmds
	s.cmdMu.Unlock()
	return answerTrue
}

// getMyCommands answers the command list of a scope and language ([] if none).
func (s *Server) getMyCommands(c *call) answer {
	s.cmdMu.Lock()
	cmds := s.commands[commandsKey(c)]
	s.cmdMu.Unlock()
	b := []byte{'['}
	for i, cmd := range cmds {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"command":`...)
		b = appendString(b, cmd.Command)
		b = append(b, `,"description":`...)
		b = appendString(b, cmd.Description)
		b = append(b, '}')
	}
	return okResult(append(b, ']'))
}

// deleteMyCommands clears the command list of a scope and language.
func (s *Server) deleteMyCommands(c *call) answer {
	s.cmdMu.Lock()
	delete(s.commands, commandsKey(c))
	s.cmdMu.Unlock()
	return answerTrue
}

// Commands returns the command list of the default scope and no language, as last set by
// setMyCommands.
func (s *Server) Commands() []BotCommand {
	s.cmdMu.Lock()
	defer s.cmdMu.Unlock()
	return append([]BotCommand(nil), s.commands["default|"]...)
}
