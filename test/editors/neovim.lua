-- Drives Neovim's built-in LSP client against `crownguard lsp --stdio`, headless.
-- Environment: CROWNGUARD_CMD (JSON array), CROWNGUARD_FILE (to open), CROWNGUARD_OUT (results).
local cmd = vim.fn.json_decode(os.getenv('CROWNGUARD_CMD'))
local root = vim.fn.getcwd()
local results = { before = {}, actions = {}, after = -1 }

local function finish()
  local f = io.open(os.getenv('CROWNGUARD_OUT'), 'w')
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd('qa!')
end

local client_id = vim.lsp.start_client({
  name = 'crownguard',
  cmd = cmd,
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = 'workspace' } },
})
vim.cmd('edit ' .. os.getenv('CROWNGUARD_FILE'))
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client_id)

if not vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50) then
  results.error = 'no diagnostics arrived'
  return finish()
end
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local lsp = (d.user_data or {}).lsp or {}
  table.insert(results.before, { line = d.lnum, col = d.col, code = lsp.code, source = d.source, message = d.message })
end

-- The LSP form of the line's diagnostics, as Neovim's own code-action request builds it.
local d = vim.diagnostic.get(buf)[1]
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
  context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, d.lnum) },
}
local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000) or {}
local applied = false
for _, response in pairs(responses) do
  for _, action in ipairs(response.result or {}) do
    table.insert(results.actions, action.title)
    if not applied and action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
      applied = true
    end
  end
end
vim.cmd('write')
vim.wait(20000, function() return #vim.diagnostic.get(buf) == 0 end, 50)
results.after = #vim.diagnostic.get(buf)
finish()
