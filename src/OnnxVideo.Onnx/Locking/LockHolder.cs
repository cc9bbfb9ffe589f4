using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OnnxVideo.Onnx.Locking;

/// <summary>Who holds an output lock: the process id, its command line and when it started (UTC).</summary>
public sealed record LockHolder(int? Pid, string? Command, DateTime? StartedUtc)
{
    private const int MaxCommandLength = 400;

    public static LockHolder CurrentProcess()
    {
        using var process = Process.GetCurrentProcess();
        var command = string.Join(' ', Environment.GetCommandLineArgs());
        return new LockHolder(Environment.ProcessId,
            command.Length > MaxCommandLength ? command[..MaxCommandLength] + "…" : command,
            process.StartTime.ToUniversalTime());
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
    {
        ["pid"] = Pid,
        ["command"] = Command,
        ["started"] = StartedUtc?.ToString("O", CultureInfo.InvariantCulture),
    });

    /// <summary>The holder recorded in a lock file's bytes; all fields null when they are missing or unreadable.</summary>
    public static LockHolder Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            int? pid = root.TryGetProperty("pid", out var p) && p.TryGetInt32(out var id) ? id : null;
            string? command = root.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            DateTime? started = root.TryGetProperty("started", out var s) && s.ValueKind == JsonValueKind.String
                && DateTime.TryParse(s.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null;
            return new LockHolder(pid, command, started);
        }
        catch (JsonException)
        {
            return new LockHolder(null, null, null);
        }
    }

    public override string ToString() => Pid is null
        ? "its lock file names no holder yet"
        : string.Create(CultureInfo.InvariantCulture,
            $"pid {Pid}, started {StartedUtc:yyyy-MM-dd HH:mm:ss} UTC: {Command}");
}
