using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace OnnxVideo.Export.Tests.Zoo;

/// <summary>
/// Runs Reference/zoo_reference.py once with Debian's PyTorch: weights, an input batch, logits, features and counts
/// for every zoo architecture with a PyTorch counterpart, at a small clip size.
/// </summary>
public sealed class TorchReferenceFixture : IDisposable
{
    public const int Frames = 4;
    public const int Size = 32;
    public const int Classes = 7;
    public const int Seed = 1;
    public static readonly string[] Architectures = ["tiny3d", "r3d_18", "mc3_18", "r2plus1d_18"];
    /// <summary>Also saved with torch.save (zip format) as ARCH.pth.</summary>
    public const string PthArchitecture = "r2plus1d_18";
    /// <summary>Also saved with torch.save in the legacy format as ARCH.legacy.pth.</summary>
    public const string LegacyPthArchitecture = "tiny3d";

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("zoo-torch-ref-").FullName;

    public TorchReferenceFixture()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Reference", "zoo_reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { script, Directory, $"{Frames}", $"{Size}", $"{Classes}", $"{Seed}" }.Concat(Architectures).Concat([$"--pth={PthArchitecture}", $"--legacy-pth={LegacyPthArchitecture}"]))
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

    public string Weights(string arch) => Path.Combine(Directory, arch + ".safetensors");

    /// <summary>torch.save's checkpoint of the architecture's state dict (see <see cref="PthArchitecture"/>).</summary>
    public string Checkpoint(string arch, bool legacy = false) => Path.Combine(Directory, arch + (legacy ? ".legacy.pth" : ".pth"));

    public float[] Floats(string arch, string what) =>
        MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(Directory, $"{arch}.{what}.f32"))).ToArray();

    public JsonElement Stats(string arch) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, arch + ".json"))).RootElement;

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
