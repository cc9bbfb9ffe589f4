using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Files;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Training.Checkpoints;

/// <summary>
/// A folder of checkpoints, one sub-folder per checkpoint (<c>step-00000042</c>). Every file is written under a temporary
/// name, fsynced and renamed; the manifest goes last and is the commit marker, so an interrupted save leaves a folder
/// that is simply not valid. <see cref="LoadNewestValid"/> returns the newest checkpoint whose files all match their
/// manifest hashes.
/// </summary>
internal sealed class CheckpointStore
{
    private const string Prefix = "step-";

    public CheckpointStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Test seam: wraps the stream each checkpoint file (by name) is written through, e.g. to fail like a full disk.</summary>
    internal Func<string, Stream, Stream>? WrapWrite { get; init; }

    public static string FolderName(long step) => Prefix + step.ToString("00000000", CultureInfo.InvariantCulture);

    /// <summary>
    /// Writes checkpoint <see cref="CheckpointContent.Step"/>. When a write fails (a full disk) the half-written folder
    /// is removed and a <see cref="CheckpointException"/> says why; older checkpoints stay as they were.
    /// </summary>
    public Checkpoint Save(CheckpointContent content)
    {
        EnsureFinite(content.Trainable);
        EnsureFinite(content.OptimizerState);
        var directory = Path.Combine(Root, FolderName(content.Step));
        try
        {
            return Write(directory, content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Not committed (no checkpoint.json), so it is never resumed; the next run's RemoveOrphans retries.
            }
            throw new CheckpointException(directory, $"could not be written: {e.Message}");
        }
    }

    private Checkpoint Write(string directory, CheckpointContent content)
    {
        Directory.CreateDirectory(directory);
        // Un-commit first: a folder being rewritten must not look valid half-way.
        File.Delete(Path.Combine(directory, CheckpointManifest.FileName));
        WriteTensors(directory, Checkpoint.TrainableFile, content.Trainable);
        WriteTensors(directory, Checkpoint.OptimizerStateFile, content.OptimizerState);
        WriteBytes(directory, Checkpoint.TrainerStateFile, Encoding.UTF8.GetBytes(content.TrainerStateJson));
        var files = new SortedDictionary<string, CheckpointFileEntry>(StringComparer.Ordinal);
        foreach (var name in new[] { Checkpoint.TrainableFile, Checkpoint.OptimizerStateFile, Checkpoint.TrainerStateFile })
        {
            files[name] = Describe(Path.Combine(directory, name));
        }
        var manifest = new CheckpointManifest
        {
            Step = content.Step,
            Epoch = content.Epoch,
            CreatedUtc = DateTime.UtcNow,
            PackageId = content.PackageId,
            Files = files,
        };
        WriteBytes(directory, CheckpointManifest.FileName, Encoding.UTF8.GetBytes(manifest.ToJson()));
        return new Checkpoint(directory, manifest);
    }

    private void WriteTensors(string directory, string name, IReadOnlyList<SafetensorsTensor> tensors) =>
        SafetensorsWriter.WriteFile(Path.Combine(directory, name), tensors, null,
            WrapWrite is { } wrap ? stream => wrap(name, stream) : null);

    private void WriteBytes(string directory, string name, byte[] bytes) =>
        AtomicFile.Write(Path.Combine(directory, name), stream =>
        {
            var output = WrapWrite?.Invoke(name, stream) ?? stream;
            output.Write(bytes);
            output.Flush();
        });

    /// <summary>The newest checkpoint that verifies, or null when there is none.</summary>
    public Checkpoint? LoadNewestValid() => LoadNewestValid(out _);

    /// <summary>
    /// The newest checkpoint that verifies (null when none does), and <paramref name="rejected"/>: the newer folders
    /// (all of them when none verifies) that were passed over, with the reason.
    /// </summary>
    public Checkpoint? LoadNewestValid(out IReadOnlyList<RejectedCheckpoint> rejected)
    {
        var passedOver = new List<RejectedCheckpoint>();
        rejected = passedOver;
        foreach (var directory in CandidateFolders())
        {
            if (TryOpen(directory, out var checkpoint, out var problem))
            {
                return checkpoint;
            }
            passedOver.Add(new RejectedCheckpoint(directory, ParseStep(Path.GetFileName(directory)), problem));
        }
        return null;
    }

    /// <summary>
    /// Removes what interrupted saves left: temporary files and folders without a <c>checkpoint.json</c> (a save
    /// commits by writing it last). Only for the store's single writer (the trainer holding the run folder's lock).
    /// Returns the removed paths.
    /// </summary>
    public IReadOnlyList<string> RemoveOrphans()
    {
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            var name = Path.GetFileName(file);
            if (AtomicFile.IsTemporaryName(name) || SafetensorsWriter.IsTemporaryName(name))
            {
                File.Delete(file);
                removed.Add(file);
            }
        }
        foreach (var directory in CandidateFolders())
        {
            if (!File.Exists(Path.Combine(directory, CheckpointManifest.FileName)))
            {
                Directory.Delete(directory, recursive: true);
                removed.Add(directory);
            }
        }
        return removed;
    }

    /// <summary>Opens the checkpoint of <paramref name="step"/>, verifying it; throws when it is missing or damaged.</summary>
    public Checkpoint Open(long step)
    {
        var directory = Path.Combine(Root, FolderName(step));
        if (!TryOpen(directory, out var checkpoint, out var problem))
        {
            throw new CheckpointException(directory, problem);
        }
        return checkpoint;
    }

    /// <summary>Opens and verifies any checkpoint folder.</summary>
    public static Checkpoint OpenFolder(string directory)
    {
        if (!TryOpen(Path.GetFullPath(directory), out var checkpoint, out var problem))
        {
            throw new CheckpointException(directory, problem);
        }
        return checkpoint;
    }

    /// <summary>Deletes checkpoints other than the newest <paramref name="keepNewest"/> valid ones and <paramref name="keepSteps"/>; also removes uncommitted folders older than the newest valid one.</summary>
    public void Prune(int keepNewest, IEnumerable<long> keepSteps)
    {
        var keep = new HashSet<long>(keepSteps);
        var valid = 0;
        foreach (var directory in CandidateFolders())
        {
            var isValid = TryOpen(directory, out var checkpoint, out _);
            if (isValid && (valid++ < keepNewest || keep.Contains(checkpoint.Step)))
            {
                continue;
            }
            if (!isValid && valid == 0)
            {
                continue; // newer than every valid checkpoint: maybe being written right now
            }
            Directory.Delete(directory, recursive: true);
        }
    }

    private IEnumerable<string> CandidateFolders() =>
        Directory.EnumerateDirectories(Root, Prefix + "*")
            .Select(d => (Dir: d, Step: ParseStep(Path.GetFileName(d))))
            .Where(x => x.Step >= 0)
            .OrderByDescending(x => x.Step)
            .Select(x => x.Dir)
            .ToList();

    private static long ParseStep(string name) =>
        name.StartsWith(Prefix, StringComparison.Ordinal) &&
        long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step) ? step : -1;

    private static bool TryOpen(string directory, out Checkpoint checkpoint, out string problem)
    {
        checkpoint = null!;
        var manifestPath = Path.Combine(directory, CheckpointManifest.FileName);
        if (!Path.Exists(manifestPath))
        {
            problem = "no checkpoint.json (the save did not complete)";
            return false;
        }
        if ((SafeFiles.ProblemInside(directory, manifestPath) ?? SafeFiles.SizeProblem(manifestPath, CheckpointManifest.MaxBytes)) is { } refused)
        {
            problem = $"{CheckpointManifest.FileName} {refused}";
            return false;
        }
        CheckpointManifest manifest;
        try
        {
            manifest = CheckpointManifest.Parse(File.ReadAllText(manifestPath), manifestPath);
        }
        catch (CheckpointException e)
        {
            problem = e.Problem;
            return false;
        }
        if (Array.Find([Checkpoint.TrainableFile, Checkpoint.OptimizerStateFile, Checkpoint.TrainerStateFile],
                required => !manifest.Files.ContainsKey(required)) is { } unlisted)
        {
            problem = $"file '{unlisted}' is not listed in {CheckpointManifest.FileName}";
            return false;
        }
        foreach (var (name, expected) in manifest.Files)
        {
            if (FileProblem(directory, name, expected) is { } fileProblem)
            {
                problem = fileProblem;
                return false;
            }
        }
        checkpoint = new Checkpoint(directory, manifest);
        problem = "";
        return true;
    }

    /// <summary>Null when the listed file is a regular file inside the checkpoint folder matching its size and SHA-256.</summary>
    private static string? FileProblem(string directory, string name, CheckpointFileEntry? expected)
    {
        var path = Path.Combine(directory, name);
        if (name.Length == 0 || name.Contains('/') || name.Contains('\\') || name is "." or ".." || !Path.Exists(path))
        {
            return $"file '{name}' is missing";
        }
        if (expected is null)
        {
            return $"file '{name}' has no size and SHA-256 in the manifest";
        }
        if (SafeFiles.ProblemInside(directory, path) is { } unsafeFile)
        {
            return $"file '{name}' {unsafeFile}";
        }
        var actual = Describe(path);
        return actual.Bytes == expected.Bytes && actual.Sha256 == expected.Sha256
            ? null
            : $"file '{name}' does not match its SHA-256 in the manifest";
    }

    private static CheckpointFileEntry Describe(string path)
    {
        using var stream = File.OpenRead(path);
        var hash = SHA256.HashData(stream);
        return new CheckpointFileEntry(stream.Length, Convert.ToHexStringLower(hash));
    }

    /// <summary>Throws <see cref="NonFiniteWeightsException"/> when a floating-point tensor holds NaN or ±∞.</summary>
    public static void EnsureFinite(IEnumerable<SafetensorsTensor> tensors)
    {
        foreach (var tensor in tensors)
        {
            var bytes = tensor.Data.Span;
            var bad = tensor.DType switch
            {
                SafetensorsDType.F32 => FirstNonFinite(MemoryMarshal.Cast<byte, float>(bytes)),
                SafetensorsDType.F64 => FirstNonFinite(MemoryMarshal.Cast<byte, double>(bytes)),
                SafetensorsDType.F16 => FirstNonFinite(MemoryMarshal.Cast<byte, Half>(bytes)),
                _ => -1,
            };
            if (bad >= 0)
            {
                throw new NonFiniteWeightsException(tensor.Name, bad);
            }
        }
    }

    private static long FirstNonFinite<T>(ReadOnlySpan<T> values) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                return i;
            }
        }
        return -1;
    }
}
