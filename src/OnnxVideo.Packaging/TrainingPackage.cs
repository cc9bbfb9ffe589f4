using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using OnnxVideo.Media;
using OnnxVideo.Onnx.Files;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Packaging;

/// <summary>
/// A validated training package folder (what <see cref="TrainingPackageWriter"/> writes): paths of the graphs, the
/// trainable parameters with their graph names, the optimizer state, the frozen weights (memory-mapped) and the
/// preprocessing contract. Every problem is a <see cref="TrainingPackageException"/> naming the file.
/// </summary>
public sealed class TrainingPackage
{
    private TrainingPackage(string directory, TrainingPackageManifest manifest)
    {
        Directory = directory;
        Manifest = manifest;
    }

    public string Directory { get; }
    public TrainingPackageManifest Manifest { get; }
    public PreprocessingContract? Contract => Manifest.Contract;
    public IReadOnlyList<PackageParameterEntry> Parameters => Manifest.Parameters;
    public IReadOnlyList<PackageBufferEntry> Buffers => Manifest.Buffers;
    public PackageIoNames Io => Manifest.Io;
    public string ManifestPath => Path.Combine(Directory, TrainingPackageManifest.FileName);
    public string TrainStepPath => PathOf(Manifest.Graphs.TrainStep);
    public string EvalPath => PathOf(Manifest.Graphs.Eval);
    public string GradientsPath => PathOf(Manifest.Graphs.Gradients);
    public string OptimizerPath => PathOf(Manifest.Graphs.Optimizer);
    public string TrainablePath => PathOf(Manifest.Graphs.Trainable);
    public string OptimizerStatePath => PathOf(Manifest.Graphs.OptimizerState);
    public string FrozenPath => PathOf(Manifest.Graphs.Frozen);
    /// <summary>The input-gradient graph (adversarial training), or null when the package was compiled without it.</summary>
    public string? InputGradientPath => Manifest.Graphs.InputGradient is { } file ? PathOf(file) : null;

    public string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>
    /// Reads and validates <c>manifest.json</c> in <paramref name="directory"/>: format version, contract, the listed
    /// files (present, sizes and, when <paramref name="verifyHashes"/>, SHA-256), and the tensor names and shapes of
    /// the safetensors files against the parameter list.
    /// </summary>
    public static TrainingPackage Load(string directory, bool verifyHashes = true)
    {
        var dir = Path.GetFullPath(directory);
        var manifestPath = Path.Combine(dir, TrainingPackageManifest.FileName);
        if (!System.IO.Directory.Exists(dir))
        {
            throw new TrainingPackageException(dir, "training package folder not found");
        }
        if (!Path.Exists(manifestPath))
        {
            throw new TrainingPackageException(manifestPath, "manifest not found (not a training package, or an incomplete one)");
        }
        if ((SafeFiles.ProblemInside(dir, manifestPath) ?? SafeFiles.SizeProblem(manifestPath, TrainingPackageManifest.MaxBytes)) is { } problem)
        {
            throw new TrainingPackageException(manifestPath, problem);
        }
        var manifest = TrainingPackageManifest.FromJson(File.ReadAllText(manifestPath), manifestPath);
        var package = new TrainingPackage(dir, manifest);
        package.Validate(verifyHashes);
        return package;
    }

    /// <summary>The frozen weights, memory-mapped (dispose when done; reads copy each tensor out).</summary>
    public SafetensorsFile OpenFrozen() => Open(FrozenPath);

    /// <summary>The initial trainable parameters, memory-mapped.</summary>
    public SafetensorsFile OpenTrainable() => Open(TrainablePath);

    /// <summary>The initial optimizer state (zeros), memory-mapped.</summary>
    public SafetensorsFile OpenOptimizerState() => Open(OptimizerStatePath);

    /// <summary>
    /// Reads trainable weights and running statistics (default: the package's initial ones; or e.g. a checkpoint's)
    /// and checks that every parameter and buffer is there as F32 with its manifest shape.
    /// </summary>
    public IReadOnlyDictionary<string, float[]> ReadTrainable(string? weightsPath = null)
    {
        var path = weightsPath ?? TrainablePath;
        using var file = Open(path);
        var tensors = TrainableTensors.ToList();
        CheckTensors(path, file, tensors);
        return tensors.ToDictionary(t => t.Name, t => file.ReadFloats(t.Name), StringComparer.Ordinal);
    }

    /// <summary>The shape of a trainable parameter or running statistic.</summary>
    public long[] ShapeOf(string name) => TrainableTensors.FirstOrDefault(t => t.Name == name).Shape
        ?? throw new ArgumentException($"'{name}' is neither a parameter nor a running statistic of the package", nameof(name));

    private IEnumerable<(string Name, long[] Shape)> TrainableTensors =>
        Parameters.Select(p => (p.Name, p.Shape)).Concat(Buffers.Select(b => (b.Name, b.Shape)));

    private void Validate(bool verifyHashes)
    {
        var m = Manifest;
        if (m.FormatVersion != TrainingPackageManifest.CurrentFormatVersion)
        {
            Fail($"format version {m.FormatVersion} is not supported (this build reads version {TrainingPackageManifest.CurrentFormatVersion})");
        }
        if (TrainingPackageManifestChecks.FirstProblem(m) is { } problem)
        {
            Fail(problem);
        }
        try
        {
            m.Contract?.Validate(ManifestPath);
        }
        catch (InvalidContractException e)
        {
            throw new TrainingPackageException(ManifestPath, e.Message, e);
        }
        var listed = new Dictionary<string, PackageFileEntry>(StringComparer.Ordinal);
        foreach (var entry in m.Files)
        {
            if (entry.Path.Length == 0 || entry.Path.Contains('/') || entry.Path.Contains('\\') || entry.Path is "." or ".." ||
                entry.Path == TrainingPackageManifest.FileName || !listed.TryAdd(entry.Path, entry))
            {
                Fail($"invalid or duplicate file entry '{entry.Path}'");
            }
        }
        var g = m.Graphs;
        foreach (var required in new[] { g.TrainStep, g.Eval, g.Gradients, g.Optimizer, g.Trainable, g.OptimizerState, g.Frozen, g.InputGradient }.OfType<string>())
        {
            if (!listed.ContainsKey(required))
            {
                Fail($"file '{required}' is not listed with its SHA-256");
            }
        }
        foreach (var entry in listed.Values)
        {
            CheckFile(entry, verifyHashes);
        }
        using (var trainable = Open(TrainablePath))
        {
            CheckTensors(TrainablePath, trainable, TrainableTensors);
        }
        using (var state = Open(OptimizerStatePath))
        {
            CheckTensors(OptimizerStatePath, state, m.Parameters.SelectMany(p => p.State.Select(s => (s.Name, p.Shape))));
        }
        var frozenHeader = ReadHeader(FrozenPath);
        var frozen = frozenHeader.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var t in m.Frozen)
        {
            if (!frozen.TryGetValue(t.Name, out var info) || !info.Shape.SequenceEqual(t.Shape) || info.DType.ToString() != t.DType)
            {
                throw new TrainingPackageException(FrozenPath, $"frozen tensor '{t.Name}' ({t.DType} [{string.Join(", ", t.Shape)}]) is missing or differs");
            }
        }
    }

    private void CheckFile(PackageFileEntry entry, bool verifyHash)
    {
        var path = PathOf(entry.Path);
        if (!Path.Exists(path))
        {
            throw new TrainingPackageException(path, "file listed in the manifest is missing");
        }
        if (SafeFiles.ProblemInside(Directory, path) is { } problem)
        {
            throw new TrainingPackageException(path, problem);
        }
        var length = SafeFiles.LengthOf(path);
        if (length != entry.Bytes)
        {
            throw new TrainingPackageException(path, $"size {length} bytes differs from the manifest's {entry.Bytes}");
        }
        if (verifyHash)
        {
            var actual = Sha256Of(path);
            if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new TrainingPackageException(path, $"SHA-256 mismatch: manifest says {entry.Sha256}, file has {actual}");
            }
        }
    }

    internal static string Sha256Of(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void CheckTensors(string path, SafetensorsFile file, IEnumerable<(string Name, long[] Shape)> expected)
    {
        foreach (var (name, shape) in expected)
        {
            if (!file.TryGetInfo(name, out var info))
            {
                throw new TrainingPackageException(path, $"tensor '{name}' is missing");
            }
            if (info.DType != SafetensorsDType.F32 || !info.Shape.SequenceEqual(shape))
            {
                throw new TrainingPackageException(path, $"tensor '{name}' is {info.DType} {info.ShapeText}, expected F32 [{string.Join(", ", shape)}]");
            }
        }
    }

    private static SafetensorsFile Open(string path)
    {
        try
        {
            return SafetensorsFile.Open(path);
        }
        catch (SafetensorsFormatException e)
        {
            throw new TrainingPackageException(path, e.Problem, e);
        }
    }

    private static SafetensorsHeader ReadHeader(string path)
    {
        try
        {
            return SafetensorsFile.ReadHeader(path);
        }
        catch (SafetensorsFormatException e)
        {
            throw new TrainingPackageException(path, e.Problem, e);
        }
    }

    [DoesNotReturn]
    private void Fail(string problem) => throw new TrainingPackageException(ManifestPath, problem);
}
