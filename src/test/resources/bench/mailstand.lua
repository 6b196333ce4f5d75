-- wrk script: posts Mailstand click payloads, each with a fresh event id, as LoadBenchmark does.
--   wrk -t2 -c32 -d20s -s src/test/resources/bench/mailstand.lua http://127.0.0.1:8080/webhooks/mailstand/demo
-- (the same script against /bench/bare measures the bare endpoint; see docs/benchmarks.md)
local counter = 0
-- thread_id: set by setup() as a global of each thread (a local here would shadow it)

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  seed = tostring(os.time()) .. "_" .. tostring(thread_id)
end

function request()
  counter = counter + 1
  local n = seed .. "_" .. counter
  local body = '{"id":"evt_wrk_' .. n .. '","msg":"msg_' .. n .. '","cnv":"cnv_' .. n ..
    '","type":"click","workspace_id":"bench","campaign_id":"camp_pow0dj20jc20jkd2nx",' ..
    '"campaign_name":"My First Campaign","mailbox_id":"mailbox_asnsd209j2jd22","mailbox_email":"sales@acme.test",' ..
    '"to":"contact_' .. counter .. '","to_email":"jane' .. counter .. '@example.com","subject":"Quick Question",' ..
    '"text":"Hi Jane, do you have 10 minutes this week?","html":"<p>Hi Jane</p>",' ..
    '"uni_id":"CABssC8717987kjaWfj9YoiiH=z52FDe31w65XiHdTeXWk4fWBg@mail.gmail.com","created_at":1654703617}'
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 202 and status ~= 200 then
    print("unexpected status " .. status)
  end
end
