namespace OnnxVideo.Ort.Native;

/// <summary>Telemetry switches and the execution-provider device API (slots 295–316, API 22 and later).</summary>
internal static unsafe partial class OrtApi
{
    public static readonly delegate* unmanaged<nint, nint> DisableTelemetryEvents = (delegate* unmanaged<nint, nint>)Slot(6);

    public static readonly delegate* unmanaged<nint, byte***, byte***, nuint*, void> GetKeyValuePairs =
        (delegate* unmanaged<nint, byte***, byte***, nuint*, void>)Slot(298);

    public static readonly delegate* unmanaged<nint, byte*, byte*, nint> RegisterExecutionProviderLibrary =
        (delegate* unmanaged<nint, byte*, byte*, nint>)Slot(301);

    public static readonly delegate* unmanaged<nint, nint**, nuint*, nint> GetEpDevices = (delegate* unmanaged<nint, nint**, nuint*, nint>)Slot(303);
    public static readonly delegate* unmanaged<nint, int> HardwareDevice_Type = (delegate* unmanaged<nint, int>)Slot(307);
    public static readonly delegate* unmanaged<nint, uint> HardwareDevice_VendorId = (delegate* unmanaged<nint, uint>)Slot(308);
    public static readonly delegate* unmanaged<nint, byte*> HardwareDevice_Vendor = (delegate* unmanaged<nint, byte*>)Slot(309);
    public static readonly delegate* unmanaged<nint, uint> HardwareDevice_DeviceId = (delegate* unmanaged<nint, uint>)Slot(310);
    public static readonly delegate* unmanaged<nint, nint> HardwareDevice_Metadata = (delegate* unmanaged<nint, nint>)Slot(311);
    public static readonly delegate* unmanaged<nint, byte*> EpDevice_EpName = (delegate* unmanaged<nint, byte*>)Slot(312);
    public static readonly delegate* unmanaged<nint, byte*> EpDevice_EpVendor = (delegate* unmanaged<nint, byte*>)Slot(313);
    public static readonly delegate* unmanaged<nint, nint> EpDevice_Device = (delegate* unmanaged<nint, nint>)Slot(316);
}
