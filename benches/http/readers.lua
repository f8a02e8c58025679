-- Each request comes from the next of many signed-in readers, so no one viewer's cached page
-- flatters the number. The file named after `--` holds one Cookie header value per line.
-- The requests are made once, at start, so choosing one costs the client next to nothing.
local requests, count, next = {}, 0, 0

function init(args)
  for line in io.lines(args[1]) do
    count = count + 1
    requests[count] = wrk.format(nil, nil, {
      ["Host"] = wrk.host .. ":" .. wrk.port,
      ["Accept-Encoding"] = "gzip",
      ["Cookie"] = line,
    })
  end
  -- Threads start at different readers rather than in step.
  next = (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % count
end

function request()
  next = next % count + 1
  return requests[next]
end
