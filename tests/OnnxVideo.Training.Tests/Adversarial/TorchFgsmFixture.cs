using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OnnxVideo.Training.Tests.Adversarial;

/// <summary>
/// Runs the zoo's PyTorch reference script (Reference/zoo_reference.py, Debian's /usr/bin/python3) for tiny3d only:
/// its weights and, for a clean batch of real pixels and labels [1, 4], the input gradient and FGSM (ε = 2) batch.
/// </summary>
public sealed class TorchFgsmFixture : IDisposable
{
    public const int Frames = 4;
    public const int Size = 32;
    public const int Classes = 7;
    public static readonly int[] Labels = [1, 4];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("fgsm-torch-ref-").FullName;

    public TorchFgsmFixture()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Reference", "zoo_reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { script, Directory, $"{Frames}", $"{Size}", $"{Classes}", "1", "tiny3d" })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"reference script failed ({process.ExitCode}): {stdout}{stderr.Result}");
        }
    }

    public string Weights => Path.Combine(Directory, "tiny3d.safetensors");

    public float[] Floats(string what) =>
        MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Directory, $"tiny3d.{what}.f32"))).ToArray();

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
