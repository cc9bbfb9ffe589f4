using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace OnnxVideo.Onnx.Tests.Checkpoints;

/// <summary>Runs torch_checkpoints.py once with Debian's PyTorch: real checkpoints in both formats, their values, and hostile pickles.</summary>
public sealed class TorchCheckpointFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TorchCheckpointFixture()
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Checkpoints", "torch_checkpoints.py"));
        start.ArgumentList.Add(_dir.Path);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"torch_checkpoints.py failed ({process.ExitCode}): {stdout}{stderr.Result}");
        }
    }

    public string File(string name) => _dir.File(name);

    /// <summary>The file a hostile payload would create if anything ran it.</summary>
    public string Canary => _dir.File("canary");

    public float[] Values(string tensor) => MemoryMarshal.Cast<byte, float>(System.IO.File.ReadAllBytes(_dir.File(tensor + ".f32"))).ToArray();

    public Dictionary<string, long[]> Shapes() =>
        JsonSerializer.Deserialize<Dictionary<string, long[]>>(System.IO.File.ReadAllText(_dir.File("shapes.json")))!;

    public void Dispose() => _dir.Dispose();
}
