-- Attaches `briefbook lsp` to a brief in headless Neovim (0.7 and later: start_client works in
-- every version since), makes an unsaved edit with a misspelt citation and an open `[@`, waits
-- for the diagnostics, asks for completion at the `[@`, and writes what it got to $OUT:
-- `diag<TAB>code<TAB>line<TAB>column<TAB>message` and `item<TAB>label<TAB>detail` lines.
local bin, root, file, out = os.getenv('BRIEFBOOK_BIN'), os.getenv('BOOK_ROOT'), os.getenv('BRIEF_FILE'), os.getenv('OUT')
local lines = {}
local function finish(status)
  table.insert(lines, 'status\t' .. status)
  vim.fn.writefile(lines, out)
  vim.cmd('qa!')
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({ name = 'briefbook', cmd = { bin, 'lsp' }, root_dir = root })
if not client then
  return finish('no client')
end
vim.lsp.buf_attach_client(buf, client)

local last = vim.api.nvim_buf_line_count(buf)
vim.api.nvim_buf_set_lines(buf, last, last, false, { 'Unsaved [@cnn-2024].', 'See [@' })

local function has_unknown_source()
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == 'unknown-source' then
      return true
    end
  end
  return false
end
if not vim.wait(60000, has_unknown_source, 100) then
  return finish('no diagnostics')
end
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local first = d.message:gsub('\n.*', '')
  table.insert(lines, string.format('diag\t%s\t%d\t%d\t%s', tostring(d.code), d.lnum + 1, d.col + 1, first))
end

local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = last + 1, character = 6 } }
local items = {}
local function completion()
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, 60000)
  for _, response in pairs(responses or {}) do
    local result = response.result or {}
    for _, item in ipairs(result.items or result) do
      table.insert(items, 'item\t' .. item.label .. '\t' .. (item.detail or ''))
    end
  end
  return #items > 0
end
if not vim.wait(60000, completion, 200) then
  return finish('no completion')
end
vim.list_extend(lines, items)
finish('ok')
