namespace OnnxVideo.Ort;

/// <summary>ORT allocator kind of a memory location.</summary>
public enum OrtAllocatorType
{
    Invalid = -1,
    Device = 0,
    Arena = 1,
}
