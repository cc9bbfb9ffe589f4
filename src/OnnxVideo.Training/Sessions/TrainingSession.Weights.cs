using OnnxVideo.Media;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Ort;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Schedules;

namespace OnnxVideo.Training.Sessions;

/// <summary>Reading and replacing the weights: snapshots, checkpoints, export, and where the weights live.</summary>
public sealed partial class TrainingSession
{
    /// <summary>Current trainable parameters under their ONNX initializer names (copies).</summary>
    internal IReadOnlyList<SafetensorsTensor> GetParameters() => Snapshot(_parameters);

    /// <summary>Current running statistics of training-mode BatchNormalization layers (copies).</summary>
    internal IReadOnlyList<SafetensorsTensor> GetRunningStatistics() => Snapshot(_buffers);

    /// <summary>Parameters and running statistics: what checkpoints and exported models hold.</summary>
    private List<DoubleBufferedTensor> Weights => [.. _parameters, .. _buffers];

    internal IReadOnlyList<SafetensorsTensor> GetOptimizerState() => Snapshot(_state);

    /// <summary>
    /// The moving average of the parameters and running statistics under the weights' own names (copies); null
    /// without <see cref="TrainingSessionOptions.EmaDecay"/>.
    /// </summary>
    internal IReadOnlyList<SafetensorsTensor>? GetAveragedWeights() => _average is null ? null : AveragedSnapshot();

    /// <summary>What evaluation and export use: the averaged weights when kept, the weights otherwise.</summary>
    private List<SafetensorsTensor> ServingSnapshot() => _average is null ? Snapshot(Weights) : AveragedSnapshot();

    private List<SafetensorsTensor> AveragedSnapshot() =>
        Weights.Zip(_average!.Averages, (w, a) => SafetensorsTensor.FromFloats(w.Name, _memory.Download(a.ValueAt(_parity), a.Shape), a.Shape)).ToList();

    /// <summary>
    /// Overwrites parameter values (e.g. to start from other weights); names must be the package's. A kept weight
    /// average starts again at the new weights.
    /// </summary>
    public void SetParameters(IReadOnlyDictionary<string, float[]> values)
    {
        foreach (var p in _parameters)
        {
            if (values.TryGetValue(p.Name, out var data))
            {
                if (data.Length != p.Length)
                {
                    throw new ArgumentException($"parameter '{p.Name}' holds {p.Length} values, got {data.Length}");
                }
                _memory.Upload(data, p.ValueAt(_parity), p.Shape);
            }
        }
        _average?.ResetToWeights(_memory, _parity);
    }

    /// <summary>
    /// Saves parameters, optimizer state (with the weight averages, when kept) and <paramref name="trainerStateJson"/> as
    /// checkpoint <see cref="OptimizerStepCount"/>.
    /// </summary>
    internal Checkpoint SaveCheckpoint(CheckpointStore store, int epoch, string trainerStateJson = "{}", long? step = null) =>
        store.Save(new CheckpointContent
        {
            Step = step ?? OptimizerStepCount,
            Epoch = epoch,
            Trainable = Snapshot(Weights),
            OptimizerState = _average is null ? GetOptimizerState() : [.. GetOptimizerState(), .. Snapshot([.. _average.Averages])],
            TrainerStateJson = trainerStateJson,
            PackageId = _package.PackageId,
        });

    /// <summary>
    /// Restores parameters, optimizer state and the step count from <paramref name="checkpoint"/>; the weight averages
    /// too when they are kept, or starts them at the restored weights when the checkpoint has none.
    /// </summary>
    internal void LoadCheckpoint(Checkpoint checkpoint)
    {
        ThrowIfDisposed();
        if (checkpoint.Manifest.PackageId is { } id && id != _package.PackageId)
        {
            throw new TrainingSessionException(checkpoint.Directory,
                $"checkpoint belongs to package {id}, not to {_package.PackageId} ({_package.Directory})");
        }
        _accumulator?.Reset();
        TensorUpload.Load(_memory, checkpoint.TrainablePath, Weights, _parity);
        TensorUpload.Load(_memory, checkpoint.OptimizerStatePath, _state, _parity);
        if (_average is not null && !TensorUpload.TryLoad(_memory, checkpoint.OptimizerStatePath, [.. _average.Averages], _parity))
        {
            _average.ResetToWeights(_memory, _parity);
        }
        OptimizerStepCount = checkpoint.Step;
    }

    /// <summary>
    /// Writes a plain inference model.onnx with the current weights (the averaged ones when <see cref="AveragesWeights"/>)
    /// baked in (LoRA merged) and the contract (with
    /// <paramref name="labels"/> when given) in its metadata.
    /// </summary>
    public void ExportModelForInferencing(string outputPath, IReadOnlyList<string>? labels = null)
    {
        ThrowIfDisposed();
        var exporter = _package.Exporter ?? throw new InvalidOperationException(
            "the package layout has no inference exporter (set TrainingPackageLayout.Exporter)");
        var weights = ServingSnapshot();
        CheckpointStore.EnsureFinite(weights);
        var directory = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        Directory.CreateDirectory(directory);
        // Named as RunFolderOrphans expects, so a copy left by a killed run is removed at the next start.
        var temp = Path.Combine(directory, $".weights-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafetensorsWriter.WriteFile(temp, weights);
            var contract = _package.Contract;
            if (contract is not null && labels is not null)
            {
                contract = contract with { Labels = labels.ToArray(), PlaceholderLabels = false };
            }
            exporter.Export(temp, outputPath, contract);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Copies of weights between host and device (or within the device) made so far.</summary>
    internal long WeightCopyCount => _memory.CopyCount;

    /// <summary>The memory info weights are allocated for (the training session's device).</summary>
    internal OrtMemoryInfo WeightMemoryInfo => _memory.MemoryInfo;

    /// <summary>
    /// Test seam: for each parameter, optimizer-state and running-statistic input of the training graph's binding for
    /// the current parity, where the bound value lives and whether it is this session's own device buffer.
    /// </summary>
    internal IReadOnlyList<(string Name, string Device, int DeviceId, OrtMemoryType MemoryType, bool IsOwnBuffer)> BoundWeightInputs()
    {
        var binding = _trainBindings[_parity] ?? throw new InvalidOperationException("no training step has bound this parity yet");
        var result = new List<(string, string, int, OrtMemoryType, bool)>();
        foreach (var tensor in _parameters.Concat(_state).Concat(_buffers))
        {
            if (binding.BoundInputs.TryGetValue(tensor.Name, out var value))
            {
                using var info = value.MemoryInfo;
                result.Add((tensor.Name, info.DeviceName, info.DeviceId, info.MemoryType, value.DataPointer == tensor.ValueAt(_parity).DataPointer));
            }
        }
        return result;
    }
}
