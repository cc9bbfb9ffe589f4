using System.Diagnostics;
using System.Text.Json;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// Runs Reference/import_reference.py once (Debian's /usr/bin/python3 with PyTorch and torchvision) to export torchvision
/// classifiers with torch.onnx.export and write PyTorch's features and logits for the same clips.
/// </summary>
public sealed class ImportTestsFixture : IDisposable
{
    public ImportTestsFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "onnxvideo-import-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        RunPython(Script("import_reference.py"), Directory);
    }

    public string Directory { get; }

    public ReferenceCase Case(string name) => new(Path.Combine(Directory, name));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A reference script, copied beside the test assembly from Reference/.</summary>
    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Reference", name);

    /// <summary>Runs a reference script; a failure shows Python's stderr.</summary>
    public static void RunPython(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(script);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {stderr.Result}");
        }
    }

    public static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    /// <summary>One exported model with its PyTorch reference: input clip batch, head input and logits.</summary>
    public sealed class ReferenceCase(string directory)
    {
        private readonly JsonElement meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "meta.json"))).RootElement;

        public string ModelPath => Path.Combine(directory, "model.onnx");
        public float[] Input => ReadFloats(Path.Combine(directory, "input.bin"));
        public float[] Features => ReadFloats(Path.Combine(directory, "features.bin"));
        public float[] Logits => ReadFloats(Path.Combine(directory, "logits.bin"));
        public long[] InputShape => Shape("input");
        public long[] FeaturesShape => Shape("features");
        public long[] LogitsShape => Shape("logits");

        private long[] Shape(string key) => meta.GetProperty(key).EnumerateArray().Select(e => e.GetInt64()).ToArray();
    }
}
